"""The public's one search box (the home page, ``/search/`` and ``/api/v1/public/search/``): a
company's name, its USCC or a product, across every cooperative, answered as cards: the unit,
its cooperative, its grade in force, its commitments in force and its latest test verdicts.

The one reviewed place that reads members, grades, commitments and test results of every
cooperative for the public (``unscoped``): active members only (the units whose public page
answers), public fields only, published commitments in force, and reported test verdicts whose
report was not withdrawn. A page of cards is five queries, whatever its size: the count, the
members with their cooperative and grade, then their commitments, verdicts and failed
indicators, each for the whole page at once.

What matches (chosen where issue 16 was silent):

- the name: a part of it, as typed (Chinese, or Latin letters in any case);
- the code: the whole USCC or registration number in any case, or a part of at least
  ``MIN_CODE_PART`` characters (fewer would match a district's every unit);
- a product: a part of a committed product (in force), of a declared product (自我声明), of the
  unit's main products, or a category's word (床品 finds 四件套 and 被芯: standards.product_words);
- a standard: a part of a commitment's standards, with or without spaces (GB/T22796).
"""

from django.db.models import (
    Case,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.errors import BadParameter
from coop.models import Document
from coop.pagination import CappedPaginator
from coop.tenancy import unscoped
from credit.models import Commitment
from credit.selectors import any_of, in_force
from credit.services.grading import GRADES, MEANINGS
from members.models import Member, MemberProductCategory
from standards.models import ProductDeclaration
from standards.product_words import categories_named, product_terms
from testing_fund.models import Batch, Result
from testing_fund.reports import REPORTED, tested_product

MOST_CHARACTERS = 100
MIN_CODE_PART = 6
PER_PAGE = 20
LATEST_VERDICTS = 3


def asked_text(params, name="q"):
    """The text a visitor typed, its spaces tidied; longer than ``MOST_CHARACTERS`` is a 400
    naming the parameter (a NUL is refused before any view: coop.bad_input)."""
    text = " ".join(params.get(name, "").split())
    if len(text) > MOST_CHARACTERS:
        raise BadParameter(
            {name: _("Type at most %(most)d characters.") % {"most": MOST_CHARACTERS}},
            code="too_long",
        )
    return text


def matching(text):
    """Active members of every cooperative that ``text`` finds, best first: the code typed in
    full, then names that start with the text, other names, then products and standards.

    Which members match is read as the union of what each index answers on PostgreSQL (trigram
    GIN on the upper-cased columns icontains compares: members/0008, credit/0007), not as one
    OR across the member's and other tables' columns, which would test every member."""
    code = "".join(text.split()).upper()
    terms = product_terms(text)
    categories = categories_named(text)
    name = Q(name__icontains=text)
    # The whole code in any case (a USCC is kept upper-cased): iexact, which the trigram
    # index answers as it does a part.
    code_match = Q(uscc__iexact=code) | Q(registration_number__iexact=code)
    if len(code) >= MIN_CODE_PART:
        code_match |= Q(uscc__icontains=code) | Q(registration_number__icontains=code)
    by_member = Member.objects.filter(name | code_match | any_of("main_products", terms))
    by_commitment = (
        in_force(Commitment.objects.all())
        .annotate(standards_joined=Replace("standards", Value(" "), Value("")))
        .filter(any_of("products", terms) | Q(standards_joined__icontains=code))
    )
    declared = any_of("product", terms)
    if categories:
        declared |= Q(category__code__in=categories)
    found = [
        by_commitment.values("member_id").order_by(),
        ProductDeclaration.objects.filter(declared).values("member_id").order_by(),
    ]
    if categories:
        in_category = MemberProductCategory.objects.filter(category__code__in=categories)
        found.append(in_category.values("member_id").order_by())
    return (
        Member.objects.filter(status=Member.Status.ACTIVE)
        .filter(pk__in=by_member.values("pk").order_by().union(*found, all=True))
        .annotate(
            rank=Case(
                When(code_match, then=Value(0)),
                When(name__istartswith=text, then=Value(1)),
                When(name, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name", "pk")
    )


def public_verdicts():
    """Reported test verdicts the public may read: not a re-test (its original carries the
    verdict), and not one whose current report was withdrawn."""
    withdrawn = Document.objects.filter(
        cooperative_id=OuterRef("cooperative_id"),
        kind=Document.Kind.TEST_REPORT,
        source_id=OuterRef("pk"),
        superseded_at=None,
        revoked_at__isnull=False,
    )
    return (
        Batch.objects.filter(status__in=REPORTED, passed__isnull=False, reported_on__isnull=False)
        .exclude(kind=Batch.Kind.RETEST)
        .exclude(Exists(withdrawn))
    )


def cards(text):
    """The members ``text`` finds, each with what its card shows (a queryset to paginate)."""
    today = timezone.localdate()
    latest = public_verdicts().order_by("member_id", "-reported_on", "-pk")
    return (
        matching(text)
        .select_related("cooperative")
        # The grade in force (credit.services.grading.current_grades: the member's newest,
        # when valid today) joined off its partial index: at most one row per member.
        .annotate(
            grade_now=FilteredRelation(
                "credit_grades",
                condition=Q(
                    credit_grades__latest=True,
                    credit_grades__valid_from__lte=today,
                    credit_grades__valid_until__gte=today,
                ),
            )
        )
        .annotate(grade_letter=F("grade_now__grade"), grade_until=F("grade_now__valid_until"))
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=in_force(Commitment.objects.all()).order_by("-valid_from", "-pk"),
                to_attr="in_force",
            ),
            Prefetch(
                "batches",
                # The latest few per member, in one query (a window over the page's members).
                queryset=latest.only(
                    "member_id", "product", "sampled_product", "reported_on", "passed", "kind"
                ).prefetch_related(
                    Prefetch(
                        "results",
                        queryset=Result.objects.filter(verdict="fail")
                        .select_related("indicator")
                        .order_by("indicator__code"),
                        to_attr="failed",
                    )
                )[:LATEST_VERDICTS],
                to_attr="verdicts",
            ),
        )
    )


def card(member):
    """One card's facts: public fields only. The API answers exactly these keys."""
    return {
        "id": member.pk,
        "name": member.name,
        "identifier": member.identifier,
        "town": member.town,
        "main_products": member.main_products,
        "cooperative": {
            "slug": member.cooperative.slug,
            "name": member.cooperative.name,
        },
        "page": reverse("member-page", args=[member.cooperative.slug, member.pk]),
        "grade": (
            {
                "grade": member.grade_letter,
                "meaning": str(MEANINGS[member.grade_letter]),
                "scale": GRADES,
                "valid_until": member.grade_until,
            }
            if member.grade_letter
            else None
        ),
        "commitments": [
            {
                "products": commitment.products,
                "standards": commitment.standards,
                "valid_until": commitment.valid_until,
            }
            for commitment in member.in_force
        ],
        "verdicts": [
            {
                "product": tested_product(batch),
                "reported_on": batch.reported_on,
                "passed": batch.passed,
                "failed_indicators": [result.indicator.name for result in batch.failed],
            }
            for batch in member.verdicts
        ],
    }


def search_page(text, number=None, per_page=PER_PAGE):
    """The page of cards ``number`` asks for (a ``Paginator`` page whose rows are the cards),
    read inside the one unscoped block."""
    with unscoped():
        # Counted no further than ten pages on: a word half the province's names hold does not
        # count them all (``page.paginator.more`` then says there are more).
        page = CappedPaginator(cards(text), per_page).get_page(number)
        page.object_list = [card(member) for member in page.object_list]
    return page


# What an empty answer suggests: the words to try, each a link to its own search.
SUGGESTED_PRODUCTS = ["四件套", "被芯", "毛巾"]


def suggestions(text):
    """What to try when ``text`` finds nothing: a shorter part of it, the products."""
    tries = []
    if len(text) > 4:
        tries.append(text[:4])
    tries += [word for word in SUGGESTED_PRODUCTS if word != text]
    return tries

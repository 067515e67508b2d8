"""What the public and the lists read of commitments, grades and complaints, and the rows each
user may see (``*_for(user)``), which the pages and the API both read."""

from types import SimpleNamespace

from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Replace
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.errors import BadParameter
from coop.models import Document
from coop.roles import is_enterprise, is_staff
from coop.tenancy import unscoped
from credit import grading_words, public_page
from credit.models import (
    Assessment,
    AssessmentObjection,
    Commitment,
    Complaint,
    CreditGrade,
    ExitProposal,
    Factor,
    Inspection,
    RectificationOrder,
    Violation,
)
from credit.services.grading import GRADES, LENDING_GRADES, current_grades
from members.models import Member
from standards.product_words import product_terms

FACTOR_LABELS = dict(Factor.choices)


# The rows a user may see, in the cooperative of the scope: staff see every row, an enterprise
# user its own unit's, anyone else none. A row fetched through these is a 404 to everyone else.


def owned(rows, user, path="member"):
    if is_staff(user):
        return rows
    if is_enterprise(user):
        return rows.filter(**{path: user.member_id})
    return rows.none()


def staff_only(rows, user):
    return rows if is_staff(user) else rows.none()


def commitments_for(user):
    return owned(with_certificate(Commitment.objects.select_related("member")), user)


def complaints_for(user):
    """An enterprise reads only the complaints staff found valid about it."""
    rows = owned(Complaint.objects.select_related("member"), user)
    if is_staff(user):
        return rows
    return rows.filter(triage=Complaint.Triage.VALID)


def assessments_for(user):
    return owned(Assessment.objects.select_related("member"), user)


def objections_for(user):
    return owned(
        AssessmentObjection.objects.select_related("assessment"), user, "assessment__member"
    )


def grades_for(user):
    return owned(CreditGrade.objects.select_related("member"), user)


def inspections_for(user):
    return owned(Inspection.objects.select_related("member"), user)


def violations_for(user):
    return owned(Violation.objects.select_related("member"), user)


def orders_for(user):
    return owned(
        RectificationOrder.objects.select_related("violation__member"), user, "violation__member"
    )


def proposals_for(user):
    """Exit proposals are the staff's to read and decide."""
    return staff_only(ExitProposal.objects.select_related("member"), user)


def with_certificate(rows):
    """Commitments with their certificate's number and verification code (a published
    commitment's certificate is public; its code is what the verification asks for), read in
    the same query."""
    certificate = Document.objects.filter(
        kind=Document.Kind.COMMITMENT_CERTIFICATE, source_id=OuterRef("pk"), revoked_at=None
    ).exclude(file="")
    return rows.annotate(
        certificate=Subquery(certificate.values("number")[:1]),
        certificate_code=Subquery(certificate.values("code")[:1]),
    )


def in_force(rows, today=None):
    today = today or timezone.localdate()
    return rows.filter(
        status=Commitment.Status.PUBLISHED, valid_from__lte=today, valid_until__gte=today
    )


REGISTRY_ORDER = ("-published_at", "-pk")


def commitment_registry(text=""):
    """Published commitments in force in every cooperative, searchable by the member's name,
    its USCC or the products, newest published first: a queryset to page by its ids
    (``registry_rows`` reads a page's rows). The one reviewed place that reads commitments
    across cooperatives: published ones only, public fields only.

    Newest first rather than by the member's name: at a province's 100,000 commitments the
    order is read off an index on the commitment (``commitment_registry_order``), so page 300
    costs what page 1 does; by name it would sort every commitment joined to its member."""
    with unscoped():
        rows = in_force(Commitment.objects.all())
        text = text.strip()
        if text:
            rows = rows.filter(pk__in=registry_matches(text))
        return rows.order_by(*REGISTRY_ORDER)


def registry_rows(ids):
    """The registry's commitments ``ids`` (a page's, found by ``commitment_registry``) with
    what a row shows: the member, the cooperative and the certificate, for these rows only."""
    with unscoped():
        rows = Commitment.objects.filter(pk__in=ids).select_related("member", "cooperative")
        return with_certificate(rows).order_by(*REGISTRY_ORDER)


def registry_matches(text):
    """The ids of published commitments ``text`` finds, each way an index answers on
    PostgreSQL (trigram GIN on the upper-cased columns icontains compares: members/0008,
    credit/0007), united: an OR across the member's and the commitment's columns would be a
    filter on every row instead."""
    published = Commitment.objects.filter(status=Commitment.Status.PUBLISHED).order_by()
    members = Member.objects.filter(
        Q(name__icontains=text) | Q(uscc__icontains=text) | Q(registration_number__icontains=text)
    )
    by_member = published.filter(member__in=members.values("pk").order_by())
    by_product = published.filter(any_of("products", product_terms(text)))
    # A standard's code as typed, with or without its spaces (GB/T22796).
    by_standard = published.annotate(
        standards_joined=Replace("standards", Value(" "), Value(""))
    ).filter(standards_joined__icontains="".join(text.split()))
    return by_member.values("pk").union(by_product.values("pk"), by_standard.values("pk"), all=True)


def any_of(field, terms):
    """``field`` holds any of ``terms`` (a product's words: standards.product_words)."""
    found = Q(pk__in=[])
    for term in terms:
        found |= Q(**{f"{field}__icontains": term})
    return found


def tracked_complaint(code):
    """A complaint by its tracking code, in whichever cooperative (the code is the secret)."""
    with unscoped():
        return (
            Complaint.objects.select_related("member")
            .filter(tracking_code=code.strip().upper())
            .first()
        )


def public_member(pk):
    """An active member of the cooperative in scope, or 404."""
    member = Member.objects.filter(pk=pk, status=Member.Status.ACTIVE).first()
    if member is None:
        raise Http404
    return member


def public_member_cooperative(pk):
    """The cooperative of the active member ``pk``, whichever it is, for its public page at an
    address that names no cooperative (``/api/v1/public/members/<id>/``); else 404. A
    reviewed read across cooperatives of one public fact: the member's cooperative."""
    with unscoped():
        cooperative_id = (
            Member.objects.filter(pk=pk, status=Member.Status.ACTIVE)
            .values_list("cooperative_id", flat=True)
            .first()
        )
    if cooperative_id is None:
        raise Http404
    return cooperative_id


def public_credit_list():
    """The grades in force of the active members in scope, by the member's name: read off the
    partial index of the newest grades and the members' (cooperative, name, id) index."""
    return (
        current_grades()
        # The member in the grade's cooperative too (as it always is), so the join reads the
        # cooperative's members off their indexes, not every member of the province.
        .filter(member__status=Member.Status.ACTIVE, member__cooperative=F("cooperative"))
        .select_related("member")
        .order_by("member__name", "member_id")
    )


def asked_grade(params, name="grade"):
    """The grade a credit list's ``?grade=`` asks for: "" for every grade, else one of the six,
    or ``BadParameter`` naming it and the grades (a 400 from a page and the API alike)."""
    grade = params.get(name, "").strip().upper()
    if grade and grade not in CreditGrade.Grade.values:
        raise BadParameter(
            {name: _("Choose one of the grades %(grades)s.") % {"grades": ", ".join(GRADES)}},
            code="grade",
        )
    return grade


def lending_list():
    """Members graded A or better today that consented to share their grade with lenders."""
    return public_credit_list().filter(grade__in=LENDING_GRADES, member__lending_consent=True)


def public_member_page(pk):
    """A member as its public page shows it: public fields, its commitments in force (one per
    product scope, several at once; ``commitment`` is the latest of them, as the API said before
    there were several), the grade in force with its factors, and its announced and final
    assessments."""
    member = public_member(pk)
    in_force_now = list(
        with_certificate(in_force(member.commitments.all()))
        .select_related("member", "cooperative")
        .order_by("-valid_from", "-pk")
    )
    grade = current_grades().filter(member=member).select_related("member").first()
    return SimpleNamespace(
        member=member,
        id=member.pk,
        name=member.name,
        identifier=member.identifier,
        town=member.town,
        main_products=member.main_products,
        joined_on=member.joined_on,
        commitments=in_force_now,
        commitment=in_force_now[0] if in_force_now else None,
        grade=grade,
        # What the page answers first (credit.public_page): the grade on its scale, the latest
        # result of each product, certificates, honours and trademark licences.
        scale=public_page.scale(grade),
        latest_results=public_page.latest_results(member),
        certifications=public_page.certifications(member),
        honours=public_page.honours(member),
        trademark_licences=public_page.trademark_licences(member),
        assessments=list(
            member.assessments.filter(
                status__in=[Assessment.Status.ANNOUNCED, Assessment.Status.FINAL]
            ).order_by("-period_end")[:10]
        ),
    )


def labelled(factors):
    """A grade's stored factors with each factor's name and reason in the reader's language."""
    return [
        dict(row, label=FACTOR_LABELS.get(row["factor"], row["factor"]), why=grading_words.why(row))
        for row in factors
    ]

"""What a user may read of the chain programme, and the figures derived from the testing fund.

Staff (the cooperative's administrators and the region's supervisors) read every agreement and
project in the request's scope; an enterprise account reads the agreements its member unit owns
or supplies under (now or before) and the projects it takes part in; anyone else nothing.

An agreement's batches are the testing fund's reported batches of its suppliers in its product
categories, reported within the agreement's period (signed → valid until, or ended) and while
the member supplied under it (joined → left). The comparison sets those against the batches of
the cooperative's other members (neither the owner nor any of the agreement's suppliers) in the
same categories and period: one aggregate query."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from chains.models import (
    AgreementCategory,
    AgreementIndicator,
    ChainAgreement,
    ChainSupplier,
    Milestone,
    ProjectParticipant,
    ResearchProject,
    SupplierAudit,
)
from coop.roles import is_enterprise, is_staff
from standards.models import ProductCategory
from testing_fund.models import Batch
from testing_fund.statistics import rate


def member_of(user):
    return user.member_id if is_enterprise(user) and user.member_id else None


def visible_agreements(user):
    """The agreements ``user`` may read, bare (no joins, no counts)."""
    rows = ChainAgreement.objects.all()
    if is_staff(user):
        return rows
    member = member_of(user)
    if member:
        return rows.filter(
            Q(owner_member_id=member)
            | Exists(ChainSupplier.objects.filter(agreement=OuterRef("pk"), member_id=member))
        )
    return rows.none()


def agreements_for(user):
    """The agreements ``user`` may read, with their owner, categories and counts (a list's
    rows: two queries a page)."""
    return (
        visible_agreements(user)
        .select_related("owner_member")
        .prefetch_related(Prefetch("categories", queryset=ProductCategory.objects.order_by("code")))
        .annotate(
            supplier_count=Count(
                "suppliers", filter=Q(suppliers__left_on__isnull=True), distinct=True
            ),
            indicator_count=Count("indicators", distinct=True),
        )
    )


def agreement_detail(agreement):
    """The agreement's suppliers, indicators and audits: three queries whatever their number."""
    return {
        "suppliers": list(
            ChainSupplier.objects.filter(agreement=agreement)
            .select_related("member")
            .order_by("left_on", "member__name", "pk")
        ),
        "indicators": list(
            AgreementIndicator.objects.filter(agreement=agreement)
            .select_related("standard")
            .order_by("pk")
        ),
        "audits": SupplierAudit.objects.filter(agreement=agreement)
        .select_related("supplier")
        .order_by("-audited_on", "-pk"),
    }


def sees_all_suppliers(user, agreement):
    """Staff and the owner read every supplier's audits and batches; a supplier its own."""
    return is_staff(user) or (
        agreement.owner_member_id is not None and member_of(user) == agreement.owner_member_id
    )


def category_ids(agreement):
    return AgreementCategory.objects.filter(agreement=agreement).values("category_id")


def in_period(agreement):
    return Q(
        reported_on__isnull=False,
        reported_on__gte=agreement.signed_on,
        reported_on__lte=agreement.period_end,
        category_id__in=category_ids(agreement),
    )


def supplying_then(agreement):
    """Whether the batch's member supplied under ``agreement`` on the day it was reported."""
    return Exists(
        ChainSupplier.objects.filter(
            agreement=agreement,
            member_id=OuterRef("member_id"),
            joined_on__lte=OuterRef("reported_on"),
        ).filter(Q(left_on__isnull=True) | Q(left_on__gte=OuterRef("reported_on")))
    )


def batches_under(agreement, member_id=None):
    """The suppliers' reported batches under the agreement, newest report first."""
    rows = (
        Batch.objects.filter(cooperative_id=agreement.cooperative_id)
        # A re-test of a backup sample is no batch of its own: the original carries its verdict.
        .exclude(kind=Batch.Kind.RETEST)
        .filter(in_period(agreement))
        .filter(supplying_then(agreement))
    )
    if member_id is not None:
        rows = rows.filter(member_id=member_id)
    return rows.select_related("member", "category").order_by("-reported_on", "-id")


def pass_rates(agreement):
    """The suppliers' pass rate under the agreement against the other members' of the
    cooperative, same categories and period: one query. Rates are percentages (one decimal),
    None without batches; ``difference`` is suppliers minus others, in points."""
    any_supply = Exists(
        ChainSupplier.objects.filter(agreement=agreement, member_id=OuterRef("member_id"))
    )
    others = Q(is_any_supplier=False)
    if agreement.owner_member_id:
        others &= ~Q(member_id=agreement.owner_member_id)
    figures = (
        Batch.objects.filter(cooperative_id=agreement.cooperative_id, passed__isnull=False)
        .exclude(kind=Batch.Kind.RETEST)
        .filter(in_period(agreement))
        .annotate(is_supplier=supplying_then(agreement), is_any_supplier=any_supply)
        .aggregate(
            supplier_total=Count("pk", filter=Q(is_supplier=True)),
            supplier_passed=Count("pk", filter=Q(is_supplier=True, passed=True)),
            other_total=Count("pk", filter=others),
            other_passed=Count("pk", filter=others & Q(passed=True)),
        )
    )
    figures["supplier_rate"] = rate(figures["supplier_passed"], figures["supplier_total"])
    figures["other_rate"] = rate(figures["other_passed"], figures["other_total"])
    figures["difference"] = (
        round(figures["supplier_rate"] - figures["other_rate"], 1)
        if figures["supplier_rate"] is not None and figures["other_rate"] is not None
        else None
    )
    return figures


# Joint research projects


def visible_projects(user):
    """The projects ``user`` may read, bare."""
    rows = ResearchProject.objects.all()
    if is_staff(user):
        return rows
    member = member_of(user)
    if member:
        return rows.filter(
            Exists(ProjectParticipant.objects.filter(project=OuterRef("pk"), member_id=member))
        )
    return rows.none()


def projects_for(user):
    """The projects ``user`` may read, with their counts (a list's rows: one query a page)."""
    return visible_projects(user).annotate(
        participant_count=Count("participants", distinct=True),
        milestone_count=Count("milestones", distinct=True),
        milestones_done=Count(
            "milestones", filter=Q(milestones__done_on__isnull=False), distinct=True
        ),
    )


def project_detail(user, project):
    """The project's participants and milestones, and the agreements' indicators of the names
    it concerns (those of the agreements the user may read): three queries."""
    indicators = []
    if project.indicators:
        indicators = list(
            AgreementIndicator.objects.filter(
                name__in=project.indicators,
                agreement__in=visible_agreements(user).values("pk"),
            )
            .select_related("agreement")
            .order_by("name", "agreement_id")
        )
    return {
        "participants": [
            row.member
            for row in ProjectParticipant.objects.filter(project=project)
            .select_related("member")
            .order_by("member__name")
        ],
        "milestones": list(Milestone.objects.filter(project=project).order_by("due_on", "pk")),
        "agreement_indicators": indicators,
    }

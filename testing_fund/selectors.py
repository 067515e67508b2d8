from datetime import timedelta

from django.db.models import Case, Prefetch, Value, When
from django.utils import timezone

from coop.periods import asked_year
from coop.roles import is_enterprise, is_lab, is_staff
from members.models import Member
from testing_fund.models import Batch, Result


def batches_for(user):
    """Batches of the scope the user may see: staff all, an enterprise its own, a lab its own."""
    results = Prefetch("results", queryset=Result.objects.select_related("indicator"))
    rows = Batch.objects.select_related("standard", "lab").prefetch_related(results)
    if is_staff(user):
        return rows
    if is_enterprise(user):
        return rows.filter(member=user.member_id)
    if is_lab(user):
        return rows.filter(lab=user.institution_id)
    return rows.none()


def with_priority(batches):
    """The approval order: new members (joined within a year) and raw-material members first,
    as the fund's rules give them priority; one point each."""
    year_ago = timezone.localdate() - timedelta(days=365)
    point = Value(1)
    return batches.annotate(
        priority=(
            Case(When(member__joined_on__gte=year_ago, then=point), default=Value(0))
            + Case(
                When(member__chain_role=Member.ChainRole.RAW_MATERIAL, then=point), default=Value(0)
            )
        )
    )


def filtered(rows, params):
    """Batches narrowed by what a link or form asks: ``status``, ``round``, ``year`` (the
    report's), the member's ``town`` and ``chain_role``, ``passed`` (true/false), and
    ``indicator`` (a failed result on that indicator: the problem map's cells)."""
    if params.get("status") in Batch.Status.values:
        rows = rows.filter(status=params["status"])
    if params.get("round", "").isdigit():
        rows = rows.filter(sampling_round=params["round"])
    year = asked_year(params, default=None)
    if year is not None:
        rows = rows.filter(reported_on__year=year)
    if params.get("town"):
        rows = rows.filter(member__town=params["town"])
    if params.get("chain_role") in Member.ChainRole.values:
        rows = rows.filter(member__chain_role=params["chain_role"])
    if params.get("passed") in ("true", "false"):
        rows = rows.filter(passed=params["passed"] == "true")
    if params.get("indicator"):
        rows = rows.filter(results__indicator__code=params["indicator"], results__verdict="fail")
    return rows

from datetime import timedelta

from django.db.models import Case, Prefetch, Value, When
from django.utils import timezone

from coop.access import is_staff_of_cooperatives
from coop.models import Role
from coop.owned import is_enterprise
from members.models import Member
from testing_fund.models import Batch, Result


def batches_for(user):
    """Batches of the scope the user may see: staff all, an enterprise its own, a lab its own."""
    results = Prefetch("results", queryset=Result.objects.select_related("indicator"))
    rows = Batch.objects.select_related("standard", "lab").prefetch_related(results)
    if is_staff_of_cooperatives(user):
        return rows
    if is_enterprise(user):
        return rows.filter(member=user.member_id)
    if user.is_authenticated and user.role == Role.LAB_TECHNICIAN:
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

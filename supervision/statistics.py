"""Figures across cooperatives: the one reviewed place that leaves the tenant scope.

Everything here returns aggregates fit for the public, never rows.
"""

from django.db.models import Count

from coop.figures import year_range
from coop.models import Cooperative
from coop.tenancy import unscoped
from members.models import Member
from testing_fund.models import Batch
from testing_fund.statistics import PASSED, with_rate


def active_member_counts():
    """``{cooperative_id: active members}`` for every cooperative, in one query."""
    with unscoped():
        rows = (
            Member.objects.filter(status=Member.Status.ACTIVE)
            .values("cooperative_id")
            .annotate(count=Count("id"))
        )
        return {row["cooperative_id"]: row["count"] for row in rows}


def pass_rates_by_cooperative(region_id, year):
    """A region's cooperatives side by side: batches reported in ``year`` and how many passed.
    One grouped query on (cooperative, reported_on)."""
    with unscoped():
        # The region's cooperatives first: filtering the batches by their ids, not by a join,
        # lets the (reported_on, cooperative, passed) index answer alone.
        cooperatives = list(
            Cooperative.objects.filter(region_id=region_id).values_list("pk", flat=True)
        )
        rows = (
            Batch.objects.filter(
                cooperative_id__in=cooperatives, reported_on__range=year_range(year)
            )
            .values("cooperative_id")
            .annotate(total=Count("*"), passed=PASSED)
            .order_by("cooperative_id")
        )
        return with_rate(list(rows))

"""Figures across cooperatives: the one reviewed place that leaves the tenant scope.

Everything here returns aggregates fit for the public, never rows.
"""

from django.db.models import Count

from coop.models import Cooperative
from coop.tenancy import unscoped
from members.models import Member


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
    from datetime import date

    from django.db.models import Q

    from testing_fund.models import Batch

    with unscoped():
        # The region's cooperatives first: filtering the batches by their ids, not by a join,
        # lets the (reported_on, cooperative, passed) index answer alone.
        cooperatives = list(
            Cooperative.objects.filter(region_id=region_id).values_list("pk", flat=True)
        )
        rows = (
            Batch.objects.filter(
                cooperative_id__in=cooperatives,
                reported_on__range=(date(year, 1, 1), date(year, 12, 31)),
            )
            .values("cooperative_id")
            .annotate(total=Count("*"), passed=Count("passed", filter=Q(passed=True)))
            .order_by("cooperative_id")
        )
        return [dict(row, rate=round(100 * row["passed"] / row["total"], 1)) for row in rows]

"""Figures across cooperatives: the one reviewed place that leaves the tenant scope.

Everything here returns aggregates fit for the public, never rows.
"""

from django.db.models import Count

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

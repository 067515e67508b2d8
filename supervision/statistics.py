"""Figures across cooperatives: the one reviewed place that leaves the tenant scope.

Everything here returns aggregates fit for the public, never rows.
"""

from django.utils import timezone

from coop.models import Cooperative
from coop.tenancy import unscoped
from supervision.kept_figures import kept
from testing_fund.statistics import with_rate


def active_member_counts(cooperative_ids):
    """``{cooperative_id: active members}`` of the cooperatives, from their kept figures
    (``supervision.kept_figures``): a row a cooperative, not a count of every member."""
    year = timezone.localdate().year
    return {pk: figures["members"] for pk, figures in kept(cooperative_ids, year).items()}


def pass_rates_by_cooperative(region_id, year):
    """A region's cooperatives side by side: batches reported in ``year`` and how many passed,
    for the cooperatives that reported any. From the figures kept per cooperative
    (``kept_figures``): counted over a region of a million batches on each request, the answer
    took 168 ms at 1 M batches in the table and 230 ms at 3 M (bench/README.md, fund.py); read
    from a row a cooperative, it costs the same at any size, and a cooperative written since is
    counted again alone, over its own year."""
    with unscoped():
        cooperatives = list(
            Cooperative.objects.filter(region_id=region_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    figures = kept(cooperatives, year)
    rows = [
        {"cooperative_id": pk, "total": figures[pk]["batches"], "passed": figures[pk]["passed"]}
        for pk in cooperatives
        if figures[pk]["batches"]
    ]
    return with_rate(rows)

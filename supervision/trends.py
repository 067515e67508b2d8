"""The trend of key indicators over several years (issue 18, point 7; Jilin's export zones
sample formaldehyde, azo dyes and pH year after year): for each indicator, how many results
were judged each year and how many failed, over the cooperatives asked for, and for each of
them. Two queries whatever the years, cooperatives or results: the indicators (named, and the
codes asked for checked), and the results grouped by indicator, cooperative and year."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from coop.errors import BadParameter
from standards.models import Indicator
from supervision import charts
from supervision.chain_map import failure_rate, span_range
from testing_fund.models import Result
from testing_fund.statistics import FAILED_RESULT

# Formaldehyde, banned azo colourants (their amines) and pH: the export zones' three.
KEY_INDICATORS = ("formaldehyde", "azo-amines", "ph")
MOST_INDICATORS = 10
DEFAULT_YEARS = 3  # as the chain map's weak links (supervision/chain_map.py)


def asked_codes(params):
    """The indicator codes a query string asks for (``?indicator=ph&indicator=formaldehyde``
    or ``?indicator=ph,formaldehyde``), the key ones when none."""
    values = (
        params.getlist("indicator") if hasattr(params, "getlist") else [params.get("indicator", "")]
    )
    codes = []
    for value in values:
        for code in (value or "").split(","):
            if code.strip() and code.strip() not in codes:
                codes.append(code.strip())
    if len(codes) > MOST_INDICATORS:
        raise BadParameter(
            {"indicator": _("Ask for at most %(most)d indicators.") % {"most": MOST_INDICATORS}},
            code="indicators",
        )
    return codes or list(KEY_INDICATORS)


def named(codes, strict=True):
    """``[(pk, code, name)]`` of the indicators, in the order asked; an unknown code is a 400
    naming ``indicator`` when ``strict``, else left out."""
    found = {
        code: (pk, code, name)
        for pk, code, name in Indicator.objects.filter(code__in=codes).values_list(
            "pk", "code", "name_zh"
        )
    }
    unknown = [code for code in codes if code not in found]
    if unknown and strict:
        raise BadParameter(
            {"indicator": _("No such indicator: %(codes)s.") % {"codes": ", ".join(unknown)}},
            code="indicator",
        )
    return [found[code] for code in codes if code in found]


def indicator_trends(cooperative_ids, codes, first, last, strict=True):
    """For each indicator asked for: the years ``first`` to ``last`` with results judged
    (``tested``), failed and the failure rate, over all ``cooperative_ids`` and for each."""
    indicators = named(codes, strict)
    rows = (
        Result.objects.filter(
            cooperative_id__in=cooperative_ids,
            indicator__in=[pk for pk, _code, _name in indicators],
            reported_on__range=span_range(first, last),
        )
        .exclude(verdict="")
        .annotate(year=ExtractYear("reported_on"))
        .values("indicator_id", "cooperative_id", "year")
        .annotate(tested=Count("*"), failed=FAILED_RESULT)
        .order_by()
    )
    sums = {}
    for row in rows:
        add_to(
            sums,
            row["indicator_id"],
            row["cooperative_id"],
            row["year"],
            row["tested"],
            row["failed"],
        )
    return shaped(indicators, sums, first, last)


def from_kept(kept, first, last):
    """The key indicators' trend of ``indicator_trends``, summed from the cooperatives' kept
    figures (``supervision.kept_figures``: ``{cooperative id: figures}`` of the year ``last``,
    whose ``key_trends`` span the years up to it). The dashboard reads it so: the indicators'
    names are its one query; no result is read on the request."""
    indicators = named(KEY_INDICATORS, strict=False)
    sums = {}
    for cooperative_id, figures in kept.items():
        for indicator_id, by_year in figures.get("key_trends", {}).items():
            for year, (tested, failed) in by_year.items():
                if first <= int(year) <= last:
                    add_to(sums, int(indicator_id), cooperative_id, int(year), tested, failed)
    return shaped(indicators, sums, first, last)


def add_to(sums, indicator_id, cooperative_id, year, tested, failed):
    """Count a cell into the indicator's sums over all cooperatives and into its own."""
    for key in ((indicator_id, None), (indicator_id, cooperative_id)):
        cell = sums.setdefault(key, {}).setdefault(year, [0, 0])
        cell[0] += tested
        cell[1] += failed


def shaped(indicators, sums, first, last):
    """The trend of each indicator (``(pk, code, name)``) from ``sums``, year by year."""
    years = list(range(first, last + 1))

    def series(key):
        by_year = sums.get(key, {})
        return [
            {
                "year": year,
                "tested": by_year.get(year, (0, 0))[0],
                "failed": by_year.get(year, (0, 0))[1],
                "rate": failure_rate(by_year.get(year, (0, 0))[1], by_year.get(year, (0, 0))[0]),
            }
            for year in years
        ]

    cooperatives = sorted({key[1] for key in sums if key[1] is not None})
    return {
        "first": first,
        "last": last,
        "years": years,
        "indicators": [
            {
                "pk": pk,
                "code": code,
                "name": name,
                "years": series((pk, None)),
                "cooperatives": [
                    {"cooperative_id": cooperative, "years": series((pk, cooperative))}
                    for cooperative in cooperatives
                    if (pk, cooperative) in sums
                ],
            }
            for pk, code, name in indicators
        ],
    }


def ceiling(values):
    """The top of a failure-rate chart: the largest rate rounded up to 5, at least 5 (a rate of
    2 % drawn against 100 % is a flat line)."""
    top = max((value for value in values if value is not None), default=0)
    return max(5, -(-top // 5) * 5)


def with_charts(trends):
    """Each indicator's line of failure rates by year, as the chart helpers draw it."""
    for indicator in trends["indicators"]:
        points = [(row["year"], row["rate"]) for row in indicator["years"]]
        indicator["chart"] = charts.line(
            _("Failure rate of %(indicator)s by year (%%)") % {"indicator": indicator["name"]},
            points,
            floor=0,
            ceiling=ceiling(value for _year, value in points),
        )
    return trends

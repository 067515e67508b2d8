"""The supervision dashboard: every cooperative the user may see, side by side, and the
region's trends. Each cooperative's figures are kept in a row (``supervision.kept_figures``:
computed per cooperative, stale after a write or a day); the region's quarterly trend,
failures by indicator and grade distribution are sums of those rows. So the page costs a few
queries over a row per cooperative, for one cooperative as for a hundred, however many
members and batches they hold (issue 17)."""

import functools
import hashlib
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncQuarter
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from benchmarking.selectors import figures as benchmarking_figures
from coop import xlsx
from coop.figures import year_range, yuan
from coop.models import Cooperative
from credit.services.grading import GRADES, current_grades
from standards.models import Indicator
from supervision import charts, kept_figures
from testing_fund.models import Batch, Result
from testing_fund.statistics import PASSED, rate, with_rate


def side_by_side(cooperative_ids, year, kept=None):
    """One row a cooperative: members, people, certification, growth, testing, the fund,
    commitments, grades and complaints, from its kept figures (``kept``, when the caller
    has them already)."""
    if kept is None:
        kept = kept_figures.kept(cooperative_ids, year)
    rows = []
    for cooperative in Cooperative.objects.filter(pk__in=cooperative_ids).order_by("established"):
        figures = kept[cooperative.pk]
        row = {"cooperative": cooperative, **{name: figures[name] for name in FIGURES}}
        row["appropriated"] = yuan(money(figures["appropriated"]))
        row["spent"] = yuan(-money(figures["spent"]))
        row["remaining"] = yuan(money(figures["remaining"]))
        row["grades"] = [figures["grades"].get(grade, 0) for grade in GRADES]
        row["quarters"] = [rate(passed, total) for total, passed in figures["quarters"]]
        rows.append(row)
    return with_rate(rows, total="batches")


def money(text):
    return Decimal(text or 0)


# The side-by-side table's columns after the cooperative, as the page and the export head them.
COLUMNS = [
    ("members", _("Active members")),
    ("officers", _("Chief quality officers")),
    ("specialists", _("Quality specialists")),
    ("iso9001", _("ISO 9001 certified")),
    ("above_size", _("Above designated size")),
    ("conversions", _("Conversions")),
    ("batches", _("Batches reported")),
    ("rate", _("Pass rate (%)")),
    ("appropriated", _("Appropriated (yuan)")),
    ("spent", _("Spent (yuan)")),
    ("remaining", _("Remaining (yuan)")),
    ("commitments", _("Commitments in force")),
    ("complaints_open", _("Complaints open")),
    ("complaints_closed", _("Complaints closed")),
]
MONEY = {"appropriated", "spent", "remaining"}
QUARTERS = [
    _("Q1 pass rate (%)"),
    _("Q2 pass rate (%)"),
    _("Q3 pass rate (%)"),
    _("Q4 pass rate (%)"),
]
# The kept counts the side-by-side table shows: all but the public page's pass rate, which
# leaves out re-tests (``tested``, ``tested_passed``).
FIGURES = [name for name in kept_figures.COUNTS if not name.startswith("tested")]


# The annual report's figures (supervision/reports.py), counted in the scope of its one
# cooperative by a task; the dashboard sums the kept rows instead (``trend_of`` and after).


def quarterly_trend(year):
    """Batches and pass rate of every quarter of the year, over the cooperatives in scope."""
    rows = (
        Batch.objects.filter(reported_on__range=year_range(year))
        .annotate(quarter=TruncQuarter("reported_on"))
        .values("quarter")
        .annotate(total=Count("*"), passed=PASSED)
    )
    found = {row["quarter"].month // 3 + 1: row for row in rows}
    return with_rate(
        [{**found.get(n, {"total": 0, "passed": 0}), "quarter": f"Q{n}"} for n in range(1, 5)]
    )


def failures_by_indicator(year):
    rows = (
        Result.objects.filter(verdict="fail", reported_on__range=year_range(year))
        .values("indicator__code", "indicator__name_zh")
        .annotate(failures=Count("*"))
        .order_by("-failures", "indicator__code")
    )
    return list(rows)


def grade_distribution():
    counts = dict(current_grades().values_list("grade").annotate(n=Count("*")).order_by())
    return [(grade, counts.get(grade, 0)) for grade in GRADES]


def trend_of(kept):
    """``quarterly_trend`` summed from the kept figures of the cooperatives in scope."""
    totals = [[0, 0] for _quarter in range(4)]
    for figures in kept:
        for quarter, (total, passed) in enumerate(figures["quarters"]):
            totals[quarter][0] += total
            totals[quarter][1] += passed
    return with_rate(
        [
            {"quarter": f"Q{n}", "total": total, "passed": passed}
            for n, (total, passed) in enumerate(totals, start=1)
        ]
    )


def failures_of(kept):
    """``failures_by_indicator`` summed from the kept figures; the indicators' codes and
    names are read now (one query), so a renamed indicator shows its new name."""
    counts = {}
    for figures in kept:
        for indicator, n in figures["failures"].items():
            counts[int(indicator)] = counts.get(int(indicator), 0) + n
    named = Indicator.objects.filter(pk__in=counts).values_list("pk", "code", "name_zh")
    rows = [
        {"indicator__code": code, "indicator__name_zh": name, "failures": counts[pk]}
        for pk, code, name in named
    ]
    return sorted(rows, key=lambda row: (-row["failures"], row["indicator__code"]))


def grades_of(kept):
    """``grade_distribution`` summed from the kept figures."""
    counts = {}
    for figures in kept:
        for grade, n in figures["grades"].items():
            counts[grade] = counts.get(grade, 0) + n
    return [(grade, counts.get(grade, 0)) for grade in GRADES]


def figures(cooperative_ids, year, kept=None):
    """Everything the dashboard shows, and the XLSX export writes (from ``kept``, the kept
    figures of the cooperatives, when the caller has read them already)."""
    if kept is None:
        kept = kept_figures.kept(cooperative_ids, year)
    return {
        "year": year,
        "cooperatives": side_by_side(cooperative_ids, year, kept),
        "trend": trend_of(kept.values()),
        "failures": failures_of(kept.values()),
        "grades": grades_of(kept.values()),
        # Benchmarking against advanced standards (对标达标): one aggregate query.
        "benchmarking": benchmarking_figures(cooperative_ids),
    }


# What the figures' HTML is made from besides the figures: a change to either (a release)
# renders it anew rather than serving what the old code made.
FRAGMENT = "supervision/dashboard_figures.html"
FRAGMENT_SOURCES = [
    Path(settings.BASE_DIR) / "templates" / FRAGMENT,
    Path(charts.__file__),
    Path(__file__),
]
FRAGMENT_SECONDS = 3600


@functools.cache
def fragment_release():
    digest = hashlib.sha256()
    for source in FRAGMENT_SOURCES:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _plain(value):
    if isinstance(value, Cooperative):
        return [value.pk, value.slug, value.name]
    return str(value)


def figures_html(data):
    """The dashboard's tables and charts as HTML, rendered once for each distinct set of
    figures and language. Drawn from the kept rows the page's SQL costs a few milliseconds, but
    a hundred cooperatives' table and three charts took some 90 ms to render on every request
    (bench/README.md, region.py). The key is a digest of everything the fragment shows, so a
    changed figure, name or language renders it anew: no invalidation to forget."""
    source = json.dumps([fragment_release(), get_language(), data], default=_plain, sort_keys=True)
    key = "dashboard-figures:" + hashlib.sha256(source.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            FRAGMENT,
            {
                **data,
                "columns": COLUMNS,
                "quarters": QUARTERS,
                "grade_names": GRADES,
                "trend_chart": charts.line(
                    gettext("Pass rate by quarter"),
                    [(r["quarter"], r["rate"]) for r in data["trend"]],
                ),
                "failure_chart": charts.bars(
                    gettext("Failures by indicator"),
                    [(r["indicator__name_zh"], r["failures"]) for r in data["failures"][:10]],
                ),
                "grade_chart": charts.bars(gettext("Grade distribution"), data["grades"]),
            },
        )
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there


def sheet_value(key, value):
    """A figure of the page as a cell a spreadsheet counts with: money is text with two
    decimals on the page, a number in the sheet; a rate in percent, a percentage cell."""
    if key in MONEY:
        return Decimal(value)
    if key == "rate":
        return xlsx.percent(value)
    return value


def sheets(data):
    """The dashboard's tables as XLSX sheets, headed in Chinese like the page."""
    return [
        (
            _("Cooperatives"),
            [_("Cooperative"), *[label for _key, label in COLUMNS], *QUARTERS, *GRADES],
            [
                [
                    row["cooperative"].name_zh,
                    *[sheet_value(key, row[key]) for key, _l in COLUMNS],
                    *[xlsx.percent(rate) for rate in row["quarters"]],
                    *row["grades"],
                ]
                for row in data["cooperatives"]
            ],
        ),
        (
            _("Pass rate by quarter"),
            [_("Quarter"), _("Batches"), _("Passed"), _("Pass rate")],
            [
                [r["quarter"], r["total"], r["passed"], xlsx.percent(r["rate"])]
                for r in data["trend"]
            ],
        ),
        (
            _("Failures by indicator"),
            [_("Indicator"), _("Failures")],
            [[r["indicator__name_zh"], r["failures"]] for r in data["failures"]],
        ),
        (_("Grade distribution"), [_("Grade"), _("Members")], data["grades"]),
    ]

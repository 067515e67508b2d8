"""The supervision dashboard: every cooperative the user may see, side by side, and the
region's trends. Each figure is one grouped query over the cooperatives in scope (a region
supervisor's region, an administrator's own), so the page costs the same for one
cooperative as for twenty."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop import xlsx
from coop.figures import grouped_by, year_range, yuan
from coop.models import Cooperative
from credit.models import Commitment, Complaint
from credit.selectors import in_force
from credit.services.grading import GRADES, current_grades
from members.models import Certification, GrowthEvent, Member, QualityPerson
from testing_fund.models import Batch, LedgerEntry, Result
from testing_fund.statistics import PASSED, with_rate

IN_COOPERATIVE = ("active", "suspended")


def side_by_side(cooperative_ids, year):
    """One row a cooperative: members, people, certification, growth, testing, the fund,
    commitments, grades and complaints."""
    today = timezone.localdate()
    reported = Batch.objects.filter(reported_on__range=year_range(year))
    sources = [
        grouped_by(
            Member.objects.filter(status="active"),
            "cooperative_id",
            members=Count("*"),
            above_size=Count("scale", filter=Q(scale=Member.Scale.ABOVE_DESIGNATED_SIZE)),
        ),
        grouped_by(
            QualityPerson.objects.filter(ended_on=None, member__status__in=IN_COOPERATIVE),
            "cooperative_id",
            officers=Count("role", filter=Q(role=QualityPerson.Role.CHIEF_QUALITY_OFFICER)),
            specialists=Count("role", filter=Q(role=QualityPerson.Role.QUALITY_SPECIALIST)),
        ),
        grouped_by(
            Certification.objects.filter(scheme="iso9001", expires_on__gte=today),
            "cooperative_id",
            iso9001=Count("member", distinct=True),
        ),
        grouped_by(GrowthEvent.objects.all(), "cooperative_id", conversions=Count("*")),
        grouped_by(reported, "cooperative_id", batches=Count("*"), passed=PASSED),
        grouped_by(
            LedgerEntry.objects.filter(fund__year=year),
            "cooperative_id",
            appropriated=Sum("amount", filter=Q(kind__in=["appropriation", "adjustment"])),
            spent=Sum("amount", filter=Q(kind="settlement")),
            remaining=Sum("amount"),
        ),
        grouped_by(in_force(Commitment.objects.all()), "cooperative_id", commitments=Count("*")),
        grouped_by(
            Complaint.objects.all(),
            "cooperative_id",
            complaints_open=Count("status", filter=~Q(status=Complaint.Status.RESOLVED)),
            complaints_closed=Count("status", filter=Q(status=Complaint.Status.RESOLVED)),
        ),
    ]
    trends = quarterly_rates(year)
    grades = {}
    for cooperative_id, grade, n in (
        current_grades().values_list("cooperative_id", "grade").annotate(n=Count("*")).order_by()
    ):
        grades.setdefault(cooperative_id, {})[grade] = n
    rows = []
    for cooperative in Cooperative.objects.filter(pk__in=cooperative_ids).order_by("established"):
        row = {"cooperative": cooperative}
        for source in sources:
            row.update(source.get(cooperative.pk, {}))
        row["grades"] = [grades.get(cooperative.pk, {}).get(grade, 0) for grade in GRADES]
        row["quarters"] = trends.get(cooperative.pk, [None] * 4)
        rows.append(with_money(with_defaults(row)))
    return with_rate(rows, total="batches")


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
FIGURES = [
    "members",
    "above_size",
    "officers",
    "specialists",
    "iso9001",
    "conversions",
    "batches",
    "passed",
    "commitments",
    "complaints_open",
    "complaints_closed",
]


def with_defaults(row):
    for name in FIGURES:
        row.setdefault(name, 0)
    return row


def with_money(row):
    row["appropriated"] = yuan(row.get("appropriated"))
    row["spent"] = yuan(-(row.get("spent") or 0))
    row["remaining"] = yuan(row.get("remaining"))
    return row


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


def quarterly_rates(year):
    """``{cooperative_id: [pass rate of Q1 … Q4, None where nothing was reported]}``."""
    rows = (
        Batch.objects.filter(reported_on__range=year_range(year))
        .annotate(quarter=TruncQuarter("reported_on"))
        .values("cooperative_id", "quarter")
        .annotate(total=Count("*"), passed=PASSED)
        .order_by()
    )
    rates = {}
    for row in with_rate(list(rows)):
        rates.setdefault(row["cooperative_id"], [None] * 4)[row["quarter"].month // 3] = row["rate"]
    return rates


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


def figures(cooperative_ids, year):
    """Everything the dashboard shows, and the XLSX export writes."""
    return {
        "year": year,
        "cooperatives": side_by_side(cooperative_ids, year),
        "trend": quarterly_trend(year),
        "failures": failures_by_indicator(year),
        "grades": grade_distribution(),
    }


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

"""Testing statistics of one cooperative: pass rates overall and by category, district, town,
quarter and indicator; the quality problem map (failures by town and indicator); spending
against the budget. Every figure is one aggregate query on indexed columns."""

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth, TruncQuarter

from coop.figures import year_range, yuan
from members.models import Member
from standards.models import Indicator
from testing_fund.models import Batch, LedgerEntry, Result

# COUNT(*) and counts of indexed columns, not COUNT(id): the id is in no index, and counting it
# made PostgreSQL read every row from the table instead of the index (bench/README.md).
PASSED = Count("passed", filter=Q(passed=True))
FAILED_RESULT = Count("verdict", filter=Q(verdict="fail"))


def rate(passed, total):
    """The pass rate in percent, to one decimal; None when nothing was tested. The one formula
    of every page, export and API that shows a pass rate."""
    return round(100 * passed / total, 1) if total else None


def with_rate(rows, passed="passed", total="total"):
    for row in rows:
        row["rate"] = rate(row[passed], row[total])
    return rows


def reported(cooperative_id, year):
    # A re-test of a backup sample is not a batch of its own: the original carries its verdict.
    return Batch.objects.filter(
        cooperative_id=cooperative_id, reported_on__range=year_range(year)
    ).exclude(kind=Batch.Kind.RETEST)


def grouped(batches, *by):
    rows = batches.values(*by).annotate(total=Count("*"), passed=PASSED).order_by(*by)
    return with_rate(list(rows))


def by_indicator(cooperative_id, year):
    # Counted by the indicator's id, from the (cooperative, reported_on, indicator, verdict)
    # index alone, and named apart: joining the indicators first joined every result of the
    # year, and took twice as long at 30,000 results (bench/README.md, fund.py).
    counts = (
        Result.objects.filter(cooperative_id=cooperative_id, reported_on__range=year_range(year))
        .values("indicator_id")
        .annotate(total=Count("*"), failed=FAILED_RESULT)
        .order_by()
    )
    counts = {row["indicator_id"]: row for row in counts}
    names = Indicator.objects.filter(pk__in=counts).values_list("pk", "code", "name_zh")
    rows = [
        {
            "indicator__code": code,
            "indicator__name_zh": name,
            "total": counts[pk]["total"],
            "failed": counts[pk]["failed"],
            "passed": counts[pk]["total"] - counts[pk]["failed"],
        }
        for pk, code, name in names
    ]
    return with_rate(sorted(rows, key=lambda row: row["indicator__code"]))


def problem_map(cooperative_id, year):
    """Failures by town and indicator: where, and in what, products fail."""
    rows = (
        Result.objects.filter(
            cooperative_id=cooperative_id, verdict="fail", reported_on__range=year_range(year)
        )
        .values("batch__member__town", "indicator__code", "indicator__name_zh")
        .annotate(failures=Count("*"))
        .order_by("batch__member__town", "indicator__code")
    )
    return [
        {
            "town": row["batch__member__town"],
            "indicator": row["indicator__code"],
            "indicator_name": row["indicator__name_zh"],
            "failures": row["failures"],
        }
        for row in rows
    ]


def by_chain_role(cooperative_id, year):
    """Members, batches and failed batches by the member's role in the industry chain."""
    members = dict(
        Member.objects.filter(cooperative_id=cooperative_id, status=Member.Status.ACTIVE)
        .values_list("chain_role")
        .annotate(n=Count("*"))
        .order_by()
    )
    tested = {
        row["member__chain_role"]: row
        for row in reported(cooperative_id, year)
        .values("member__chain_role")
        .annotate(total=Count("*"), failed=Count("passed", filter=Q(passed=False)))
        .order_by()
    }
    return [
        {
            "role": role,
            "label": label,
            "members": members.get(role, 0),
            "batches": tested.get(role, {}).get("total", 0),
            "failed": tested.get(role, {}).get("failed", 0),
        }
        for role, label in Member.ChainRole.choices
    ]


def spending(cooperative_id, year):
    """The year's fund: money in, spent (settled), held for approved batches, and left."""
    kinds = LedgerEntry.Kind
    totals = LedgerEntry.objects.filter(cooperative_id=cooperative_id, fund__year=year).aggregate(
        appropriated=Sum("amount", filter=Q(kind__in=[kinds.APPROPRIATION, kinds.ADJUSTMENT])),
        spent=Sum("amount", filter=Q(kind=kinds.SETTLEMENT)),
        held=Sum("amount", filter=Q(kind__in=[kinds.RESERVATION, kinds.RELEASE])),
        balance=Sum("amount"),
    )
    settled = Batch.objects.filter(
        cooperative_id=cooperative_id, fund__year=year, ledger__kind=kinds.SETTLEMENT
    ).count()
    spent = -(totals["spent"] or 0)
    return {
        "appropriated": yuan(totals["appropriated"]),
        "spent": yuan(spent),
        "held": yuan(-(totals["held"] or 0)),
        "balance": yuan(totals["balance"]),
        "average_cost": yuan(spent / settled) if settled else None,
    }


def settled(cooperative_id, year):
    """The year's settlements: what the fund has actually paid, one entry per reported batch."""
    return LedgerEntry.objects.filter(
        cooperative_id=cooperative_id, fund__year=year, kind=LedgerEntry.Kind.SETTLEMENT
    )


def spent_rows(rows):
    """Spending rows as the API writes money; settlements are negative in the ledger."""
    for row in rows:
        row["spent"] = yuan(-row["spent"])
    return rows


def spending_by_month(cooperative_id, year):
    rows = (
        settled(cooperative_id, year)
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(batches=Count("*"), spent=Sum("amount"))
        .order_by("month")
    )
    return spent_rows([dict(row, month=row["month"].strftime("%Y-%m")) for row in rows])


def spending_by_member(cooperative_id, year):
    """A queryset, largest spending first, for the caller to paginate: one row per member."""
    return (
        settled(cooperative_id, year)
        .values("batch__member", "batch__member__name")
        .annotate(batches=Count("*"), spent=Sum("amount"))
        .order_by("spent", "batch__member")
    )


def spending_by_indicator(cooperative_id, year):
    """What the fund paid for each indicator: the prices of the results of settled batches."""
    rows = (
        Result.objects.filter(
            cooperative_id=cooperative_id,
            batch__fund__year=year,
            batch__ledger__kind=LedgerEntry.Kind.SETTLEMENT,
        )
        .values("indicator__code", "indicator__name_zh")
        .annotate(tests=Count("*"), spent=Sum("price"))
        .order_by("-spent", "indicator__code")
    )
    return [dict(row, spent=yuan(row["spent"])) for row in rows]


def turnaround_by_lab(cooperative_id, year):
    """Each lab's median turnaround, in days from receiving a sample to its report, over the
    batches reported in the year: ``lab``, ``name`` (Chinese, as the other figures'),
    ``batches`` and ``median_days``.

    The median is the database's on PostgreSQL and SQLite alike (the demo runs on SQLite, which
    has no ``percentile_cont``): a window numbers each lab's batches by their turnaround and
    counts them, and only the middle one or two rows of each lab come back, to be averaged
    here. One query, at most two rows per lab, however many batches."""
    days = ExpressionWrapper(F("reported_on") - F("received_on"), output_field=DurationField())
    lab = [F("lab")]
    middle = (
        reported(cooperative_id, year)
        .filter(received_on__isnull=False)
        .annotate(
            days=days,
            n=Window(Count("*"), partition_by=lab),
            rank=Window(RowNumber(), partition_by=lab, order_by=[days.asc(), F("pk").asc()]),
        )
        # The middle row of an odd count, the two middle rows of an even one.
        .filter(rank__gte=(F("n") + 1) / 2, rank__lte=(F("n") + 2) / 2)
        .values("lab", "lab__name_zh", "n", "days")
        .order_by("lab__name_zh", "lab")
    )
    labs = {}
    for row in middle:
        found = labs.setdefault(
            row["lab"],
            {"lab": row["lab"], "name": row["lab__name_zh"], "batches": row["n"], "days": []},
        )
        found["days"].append(row["days"].days)
    return [
        {
            "lab": found["lab"],
            "name": found["name"],
            "batches": found["batches"],
            "median_days": sum(found["days"]) / len(found["days"]),
        }
        for found in labs.values()
    ]


def pass_rate(cooperative_id, year):
    """Batches reported in the year, how many passed, and the rate."""
    overall = reported(cooperative_id, year).aggregate(total=Count("*"), passed=PASSED)
    return with_rate([overall])[0]


def cooperative_statistics(cooperative_id, year):
    batches = reported(cooperative_id, year)
    return {
        "year": year,
        "overall": pass_rate(cooperative_id, year),
        "by_category": grouped(batches, "category__code", "category__name_zh"),
        "by_district": grouped(batches, "member__district__name_zh"),
        "by_town": grouped(batches, "member__town"),
        "by_quarter": grouped(batches.annotate(quarter=TruncQuarter("reported_on")), "quarter"),
        "by_indicator": by_indicator(cooperative_id, year),
        "problem_map": problem_map(cooperative_id, year),
        "turnaround_by_lab": turnaround_by_lab(cooperative_id, year),
        "spending": dict(
            spending(cooperative_id, year),
            by_month=spending_by_month(cooperative_id, year),
            by_indicator=spending_by_indicator(cooperative_id, year),
        ),
    }

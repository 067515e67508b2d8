"""The dashboard's figures kept per cooperative and year (issue 17), so that the bureau's
dashboard, the public home and a cooperative's page read a row per cooperative instead of
counting every member, batch and grade of the region on each request.

- ``compute(ids, year)``: the grouped queries of the dashboard, filtered to the cooperatives
  asked for, so refreshing one cooperative costs what that cooperative holds, not the region.
- ``kept(ids, year)``: the figures of those cooperatives, from their rows; rows missing or
  stale are computed on the spot, all of them in one pass (the same dozen queries for one
  cooperative as for a hundred), so a page is right even where no worker runs (tests, the
  demo).
- Writes make the rows stale: a save or delete of a row of the apps the figures read
  (``watch``, from ``SupervisionConfig.ready``) bumps the version of its cooperative's rows
  once, when the transaction commits. Grading writes its grades with ``bulk_create``, which
  sends no ``post_save``: it sends ``coop.signals.bulk_written``, which is followed too.
- A row computed on an earlier day is stale: certifications, commitments in force and grades
  depend on the day.
- ``refresh_due()``: the beat task (``supervision.tasks.refresh_kept_figures``, every five
  minutes, supervision/migrations/0004) computes the stale rows of the current year, and those
  older than ``MAX_AGE`` (writes no signal reports), so readers rarely pay.

Like ``supervision.statistics`` it leaves the tenant scope on purpose, filtering by the ids it
is given: the dashboard passes the cooperatives the user may see; the public home and a
cooperative's page show only public aggregates of them (counts, a pass rate).
"""

import logging
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear, TruncQuarter
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from coop.figures import grouped_by, year_range
from coop.models import Cooperative
from coop.signals import bulk_written
from coop.tenancy import unscoped
from credit.models import Commitment, Complaint
from credit.selectors import in_force
from credit.services.grading import current_grades
from members.models import Certification, GrowthEvent, Member, QualityPerson
from supervision.chain_map import last_years, span_range
from supervision.models import CooperativeFigures
from supervision.trends import KEY_INDICATORS
from testing_fund.models import Batch, LedgerEntry, Result
from testing_fund.statistics import FAILED_RESULT, PASSED

logger = logging.getLogger(__name__)

# How old a row the sweep leaves alone: the bound on how long a write that sends no signal
# (a bulk write outside the followed tasks) stays unseen.
MAX_AGE = timedelta(minutes=30)
# Cooperatives computed together by the sweep: a bounded transaction and memory per pass.
SWEEP_CHUNK = 20
IN_COOPERATIVE = ("active", "suspended")
COUNTS = [
    "members",
    "above_size",
    "officers",
    "specialists",
    "iso9001",
    "conversions",
    "batches",
    "passed",
    "tested",
    "tested_passed",
    "commitments",
    "complaints_open",
    "complaints_closed",
]
MONEY = ["appropriated", "spent", "remaining"]


def compute(cooperative_ids, year):
    """``{cooperative_id: figures}`` of a year, as JSON: the counts, money as text (or None),
    ``quarters`` ([batches, passed] of Q1 … Q4), ``grades`` ({grade: members}),
    ``failures`` ({indicator id: failed results}) and ``key_trends`` (the key indicators'
    results judged and failed in each of the dashboard's years up to this one: {indicator id:
    {year: [tested, failed]}}, which ``supervision.trends.from_kept`` sums). One grouped query
    a figure, each filtered to ``cooperative_ids``: its cost grows with those cooperatives'
    rows only."""
    ids = list(cooperative_ids)
    today = timezone.localdate()
    mine = Q(cooperative_id__in=ids)
    with unscoped():  # the ids are the filter; callers decide who may see what
        sources = [
            grouped_by(
                Member.objects.filter(mine, status="active"),
                "cooperative_id",
                members=Count("*"),
                above_size=Count("scale", filter=Q(scale=Member.Scale.ABOVE_DESIGNATED_SIZE)),
            ),
            grouped_by(
                QualityPerson.objects.filter(
                    mine, ended_on=None, member__status__in=IN_COOPERATIVE
                ),
                "cooperative_id",
                officers=Count("role", filter=Q(role=QualityPerson.Role.CHIEF_QUALITY_OFFICER)),
                specialists=Count("role", filter=Q(role=QualityPerson.Role.QUALITY_SPECIALIST)),
            ),
            grouped_by(
                Certification.objects.filter(mine, scheme="iso9001", expires_on__gte=today),
                "cooperative_id",
                iso9001=Count("member", distinct=True),
            ),
            grouped_by(GrowthEvent.objects.filter(mine), "cooperative_id", conversions=Count("*")),
            grouped_by(
                LedgerEntry.objects.filter(mine, fund__year=year),
                "cooperative_id",
                appropriated=Sum("amount", filter=Q(kind__in=["appropriation", "adjustment"])),
                spent=Sum("amount", filter=Q(kind="settlement")),
                remaining=Sum("amount"),
            ),
            grouped_by(
                in_force(Commitment.objects.filter(mine), today),
                "cooperative_id",
                commitments=Count("*"),
            ),
            grouped_by(
                Complaint.objects.filter(mine),
                "cooperative_id",
                complaints_open=Count("status", filter=~Q(status=Complaint.Status.RESOLVED)),
                complaints_closed=Count("status", filter=Q(status=Complaint.Status.RESOLVED)),
            ),
        ]
        figures = {pk: {name: 0 for name in COUNTS} for pk in ids}
        for pk, row in figures.items():
            for source in sources:
                row.update(source.get(pk, {}))
            for name in MONEY:
                amount = row.get(name)
                row[name] = None if amount is None else str(amount)
            row.update(quarters=[[0, 0] for _ in range(4)], grades={}, failures={}, key_trends={})
        # The dashboard counts every batch reported in the year; the public page's pass rate
        # leaves out re-tests of a backup sample (testing_fund.statistics.reported): both
        # from one query by quarter.
        retest = Q(kind=Batch.Kind.RETEST)
        for row in (
            Batch.objects.filter(mine, reported_on__range=year_range(year))
            .annotate(quarter=TruncQuarter("reported_on"))
            .values("cooperative_id", "quarter")
            .annotate(
                total=Count("*"),
                total_passed=PASSED,  # not "passed": the field's name, which the next counts
                tested=Count("kind", filter=~retest),
                tested_passed=Count("passed", filter=Q(passed=True) & ~retest),
            )
            .order_by()
        ):
            kept = figures[row["cooperative_id"]]
            kept["quarters"][row["quarter"].month // 3] = [row["total"], row["total_passed"]]
            for name, source in (
                ("batches", "total"),
                ("passed", "total_passed"),
                ("tested", "tested"),
                ("tested_passed", "tested_passed"),
            ):
                kept[name] += row[source]
        for pk, grade, n in (
            current_grades(today)
            .filter(mine)
            .values_list("cooperative_id", "grade")
            .annotate(n=Count("*"))
            .order_by()
        ):
            figures[pk]["grades"][grade] = n
        for pk, indicator, n in (
            Result.objects.filter(mine, verdict="fail", reported_on__range=year_range(year))
            .values_list("cooperative_id", "indicator_id")
            .annotate(n=Count("*"))
            .order_by()
        ):
            figures[pk]["failures"][str(indicator)] = n
        # As supervision.trends.indicator_trends counts them, by cooperative: the dashboard
        # sums these instead of grouping the region's results of three years on each request
        # (385 ms at 3 million results, bench/README.md).
        for pk, indicator, judged_in, tested, failed in (
            Result.objects.filter(
                mine,
                indicator__code__in=KEY_INDICATORS,
                reported_on__range=span_range(*last_years(year)),
            )
            .exclude(verdict="")
            .annotate(judged_in=ExtractYear("reported_on"))
            .values_list("cooperative_id", "indicator_id", "judged_in")
            .annotate(tested=Count("*"), failed=FAILED_RESULT)
            .order_by()
        ):
            by_year = figures[pk]["key_trends"].setdefault(str(indicator), {})
            by_year[str(judged_in)] = [tested, failed]
    return figures


def current(row, today):
    return (
        row.computed_version is not None
        and row.computed_version == row.version
        and row.computed_on == today
    )


def kept(cooperative_ids, year):
    """``{cooperative_id: figures}`` of the cooperatives (which the caller may show), from
    their kept rows. Missing or stale rows are computed here, together: one query when all
    are current, a dozen when any is not, however many cooperatives."""
    ids = list(dict.fromkeys(cooperative_ids))
    today = timezone.localdate()
    year_range(year)  # a year outside the portal's range is a 400 before any row is made
    with unscoped():
        rows = {
            row.cooperative_id: row
            for row in CooperativeFigures.objects.filter(cooperative_id__in=ids, year=year)
        }
        missing = [pk for pk in ids if pk not in rows]
        if missing:
            # The rows exist before their figures are computed, so a write committed
            # meanwhile bumps their version and leaves them stale instead of being missed.
            made = [CooperativeFigures(cooperative_id=pk, year=year) for pk in missing]
            CooperativeFigures.objects.bulk_create(made, ignore_conflicts=True)
            rows.update((row.cooperative_id, row) for row in made)
        stale = [row for row in rows.values() if not current(row, today)]
        if stale:
            save(stale, compute([row.cooperative_id for row in stale], year), today)
    return {pk: rows[pk].figures for pk in ids}


def save(rows, figures, today):
    """Store the figures computed for ``rows`` as of the version each was read at: one
    upsert (a row another reader made in the meantime is updated, not duplicated)."""
    now = timezone.now()
    for row in rows:
        # Every row by its (cooperative, year), with or without a primary key in hand: one
        # INSERT … ON CONFLICT for all, where rows with and without one would take two.
        row.pk = None
        row.figures = figures[row.cooperative_id]
        row.computed_version = row.version
        row.computed_on, row.computed_at = today, now
    CooperativeFigures.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["cooperative", "year"],
        update_fields=["figures", "computed_version", "computed_on", "computed_at"],
    )


def refresh_due(year=None):
    """The sweep: compute the current year's rows that are stale, older than ``MAX_AGE``, or
    missing for a cooperative, a chunk of cooperatives at a time. Returns how many."""
    year = year or timezone.localdate().year
    today, now = timezone.localdate(), timezone.now()
    with unscoped():
        due = CooperativeFigures.objects.filter(year=year).filter(
            Q(computed_version=None)
            | ~Q(computed_version=F("version"))
            | Q(computed_on=None)
            | Q(computed_on__lt=today)
            | Q(computed_at__lt=now - MAX_AGE)
        )
        ids = list(due.values_list("cooperative_id", flat=True))
        ids += Cooperative.objects.exclude(
            pk__in=CooperativeFigures.objects.filter(year=year).values("cooperative_id")
        ).values_list("pk", flat=True)
        for start in range(0, len(ids), SWEEP_CHUNK):
            chunk = ids[start : start + SWEEP_CHUNK]
            # Marked as never computed, the chunk is computed whatever its age.
            CooperativeFigures.objects.filter(cooperative_id__in=chunk, year=year).update(
                computed_version=None
            )
            kept(chunk, year)
    return len(ids)


# Keeping them current


class Bump:
    """The on-commit callback of a transaction: the cooperatives it wrote, bumped once."""

    def __init__(self):
        self.cooperative_ids = set()

    def __call__(self):
        bump(self.cooperative_ids)


def changed(cooperative_id):
    """The rows of ``cooperative_id`` changed: its figures are stale once the transaction
    commits. A transaction of many rows adds to one callback: one UPDATE at commit."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _sids, callback, _robust in connection.run_on_commit:
            if isinstance(callback, Bump):
                callback.cooperative_ids.add(cooperative_id)
                return
    callback = Bump()
    callback.cooperative_ids.add(cooperative_id)
    transaction.on_commit(callback)


def bump(cooperative_ids):
    try:
        with unscoped():
            CooperativeFigures.objects.filter(cooperative_id__in=cooperative_ids).update(
                version=F("version") + 1
            )
    except DatabaseError:  # the write stands; the sweep's age limit catches the figures up
        logger.warning("kept_figures: could not mark %s stale", cooperative_ids, exc_info=True)


def _on_change(sender, instance, **kwargs):
    cooperative_id = getattr(instance, "cooperative_id", None)
    if cooperative_id is not None:
        changed(cooperative_id)


def watch(*models):
    """A save or delete of a row of ``models`` makes its cooperative's figures stale."""
    for model in models:
        uid = f"kept-figures-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(_on_change, sender=model, weak=False, dispatch_uid=uid + "-delete")


@receiver(bulk_written, dispatch_uid="kept-figures-bulk-written")
def _on_bulk_write(sender, cooperative_ids, **kwargs):
    for cooperative_id in cooperative_ids:
        changed(cooperative_id)

"""What a member's public page answers first (issue 16): the grade on its scale with what each
grade means, the latest test result of each product with the failed indicators by name, and
the member's certifications, honours and collective trademark licences. Each part is read in
a fixed number of queries, whatever the member has; nothing staff-only is read out (no costs,
no lab users, no explanation codes, no rectification notices)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from coop.models import Document
from credit.services.grading import GRADES, MEANINGS
from standards.models import Limit
from testing_fund.models import Batch, Result
from testing_fund.reports import REPORTED, Row, requirement, tested_product

# How many products' latest results the page shows, and how many reported batches it reads to
# find them (newest first): a member tested a hundred times still costs one bounded read.
LATEST_PRODUCTS = 6
BATCHES_READ = 60
HONOURS_SHOWN = 10


def scale(grade):
    """The six grades of T/CAQ 20301-2023, best first, each with its meaning in words; the
    member's own marked."""
    held = grade.grade if grade else None
    return [
        {"grade": each, "meaning": str(MEANINGS[each]), "held": each == held} for each in GRADES
    ]


@dataclass
class FailedIndicator:
    name: str
    reading: str
    requirement: str


@dataclass
class TestResult:
    """One product's latest reported test, as the public reads it."""

    reported_on: date
    product: str
    passed: bool
    verdict: str
    failed: list = field(default_factory=list)
    verification_code: str | None = None
    report_number: str | None = None


def latest_results(member):
    """The newest reported test of each product of the member, newest first, at most
    ``LATEST_PRODUCTS``: date, product, verdict in words, failed indicators with reading and
    requirement, and the code that opens its report's public verification: of the edition in
    force, else of the newest superseded one (verification says it was replaced); never of a
    revoked report. Four queries at most."""
    batches = list(
        Batch.objects.filter(member=member, status__in=REPORTED, reported_on__isnull=False)
        .only(
            "id",
            "product",
            "sampled_product",
            "reported_on",
            "passed",
            "standard_id",
            "safety_category",
        )
        .order_by("-reported_on", "-pk")[:BATCHES_READ]
    )
    newest, seen = [], set()
    for batch in batches:
        product = tested_product(batch)
        if product not in seen:
            seen.add(product)
            newest.append(batch)
        if len(newest) == LATEST_PRODUCTS:
            break
    if not newest:
        return []
    ids = [batch.pk for batch in newest]
    reports = {}
    for document in Document.objects.filter(
        kind=Document.Kind.TEST_REPORT, source_id__in=ids, revoked_at__isnull=True
    ).order_by("edition"):
        held = reports.get(document.source_id)
        # The edition in force before any it replaced; among superseded ones, the newest.
        if held is None or held.status != Document.Status.VALID:
            reports[document.source_id] = document
    failures = {}
    failed_results = list(
        # A failure is judged by the batch's own verdict; the row's explanation stays staff's.
        Result.objects.filter(batch_id__in=ids, verdict="fail")
        .select_related("indicator")
        .only("id", "batch_id", "raw", "verdict", "indicator")
        .order_by("indicator__code")
    )
    limits = {}
    if failed_results:
        for limit in Limit.objects.filter(
            standard_id__in={batch.standard_id for batch in newest},
            indicator_id__in={result.indicator_id for result in failed_results},
        ).select_related("indicator"):
            limits.setdefault((limit.standard_id, limit.indicator_id), []).append(limit)
    by_id = {batch.pk: batch for batch in newest}
    for result in failed_results:
        batch = by_id[result.batch_id]
        limit = limit_for(limits.get((batch.standard_id, result.indicator_id), []), batch)
        row = Row(
            result=result,
            method=None,
            requirement=requirement(limit, batch.safety_category),
            accredited=False,
        )
        failures.setdefault(batch.pk, []).append(
            FailedIndicator(
                name=result.indicator.name, reading=row.reading, requirement=row.requirement
            )
        )
    results = []
    for batch in newest:
        document = reports.get(batch.pk)
        # The report's public details say what verification says; the batch when none is out.
        details = document.public_details if document else {}
        passed = details.get("passed", batch.passed)
        results.append(
            TestResult(
                reported_on=date.fromisoformat(details["reported_on"])
                if details.get("reported_on")
                else batch.reported_on,
                product=details.get("product") or tested_product(batch),
                passed=bool(passed),
                verdict=_("passed") if passed else _("failed"),
                failed=failures.get(batch.pk, []),
                verification_code=document.code if document else None,
                report_number=document.number if document else None,
            )
        )
    return results


def limit_for(limits, batch):
    """The standard's limit for the batch's safety category: the category's own first."""
    chosen = None
    for limit in limits:
        if limit.category in (batch.safety_category, "") and (
            chosen is None or chosen.category == ""
        ):
            chosen = limit
    return chosen


def certifications(member):
    """The member's certificates not yet expired, soonest to expire first."""
    today = timezone.localdate()
    return list(member.certifications.filter(expires_on__gte=today).order_by("expires_on", "pk"))


def honours(member):
    return list(member.honours.order_by("-awarded_on", "-pk")[:HONOURS_SHOWN])


# What an app above credit adds to each licence the page shows, in the same query: brands
# (its AppConfig.ready()) appends a function of the licences' queryset that annotates
# ``registration_number`` (of the collective mark) and ``licence_number``. credit imports
# nothing above it; the page shows "—" where no such detail is kept.
LICENCE_DETAILS = []


def trademark_licences(member):
    """The collective trademark licences in force today, with their mark's registration
    number and the licence's number where kept (``LICENCE_DETAILS``): one query."""
    today = timezone.localdate()
    rows = member.trademark_licences.filter(starts_on__lte=today, ends_on__gte=today).order_by(
        "ends_on", "pk"
    )
    for detail in LICENCE_DETAILS:
        rows = detail(rows)
    return list(rows)

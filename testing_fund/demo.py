"""Demo data of the testing fund: the lab's prices, this year's fund (the Haimen fund received
¥2.25 million in five years: about ¥450,000 a year), a year of
reported batches for the statistics (Haimen's pass rate is 97.5%), and the demo enterprise's
own tests at several steps of the workflow."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from coop.models import StepEvent, User
from members.models import Member
from standards.models import Indicator, ProductCategory, Standard
from standards.verdicts import verdict
from testing_fund.models import AccreditedMethod, Batch, Fund, LabPrice, LedgerEntry, Result
from testing_fund.services import batches
from testing_fund.services.fund import appropriate

PRICES = {"formaldehyde": 120, "ph": 80, "odour": 60, "azo-amines": 300}
FASTNESS_PRICE = 100
HISTORY_BATCHES = 240
PASS_RATE = 0.975
TESTED = ["formaldehyde", "ph", "odour", "fastness-water"]
# Readings as a lab writes them: passing ones, and the failures seen in home textiles.
PASSING = {
    "formaldehyde": lambda rng: str(rng.randint(16, 70)),
    "ph": lambda rng: f"{rng.uniform(5.2, 7.6):.1f}",
    "odour": lambda rng: "none",
    "fastness-water": lambda rng: rng.choice(["3", "3-4", "4"]),
}
FAILING = {
    "formaldehyde": lambda rng: str(rng.randint(82, 140)),
    "fastness-water": lambda rng: "2-3",
}
PRODUCTS = ["四件套", "被芯", "枕芯", "毛毯", "床笠", "凉席"]


# The demo lab's accreditation scope: the home-textile indicators (those GB 18401-2010 and
# GB/T 22796-2021 limit) by their catalogue methods, but for these, so that its reports show
# results both within the scope (the CMA mark) and outside it.
OUTSIDE_SCOPE = {"odour"}
TEXTILE_STANDARDS = ["GB 18401-2010", "GB/T 22796-2021"]


def seed_scope(lab):
    textile = Indicator.objects.filter(limits__standard__code__in=TEXTILE_STANDARDS).distinct()
    for indicator in textile.exclude(method=None).exclude(code__in=OUTSIDE_SCOPE):
        AccreditedMethod.objects.get_or_create(
            institution=lab, indicator=indicator, method_id=indicator.method_id
        )


def seed(cooperative, lab):
    for indicator in Indicator.objects.all():
        LabPrice.objects.get_or_create(
            institution=lab,
            indicator=indicator,
            defaults={"price": Decimal(PRICES.get(indicator.code, FASTNESS_PRICE))},
        )
    seed_scope(lab)
    today = timezone.localdate()
    fund, created = Fund.objects.get_or_create(cooperative=cooperative, year=today.year)
    if created:
        appropriate(
            fund=fund,
            actor=None,
            source="海门区财政局",
            amount=Decimal(450000),
            on=today.replace(month=1, day=10),
            document_number=f"海财〔{today.year}〕8号",
        )
    standard = Standard.objects.get(code="GB 18401-2010")
    if not Batch.objects.filter(fund=fund).exists():
        seed_history(fund, lab, standard)
        seed_enterprise_tests(fund, lab, standard)


def seed_history(fund, lab, standard):
    """This year's reported free tests, inserted as records: the workflow's steps are shown
    by the demo enterprise's own tests."""
    rng = random.Random(fund.year)
    today = timezone.localdate()
    days = (today - today.replace(month=1, day=1)).days
    members = list(
        Member.objects.filter(cooperative=fund.cooperative_id, status=Member.Status.ACTIVE)
        .exclude(user__isnull=False)
        .values_list("pk", flat=True)
    )
    indicators = list(Indicator.objects.filter(code__in=TESTED))
    prices = dict(LabPrice.objects.filter(institution=lab).values_list("indicator_id", "price"))
    bedding = ProductCategory.objects.filter(code="bedding").first()
    cost = sum(prices[indicator.pk] for indicator in indicators)
    count = HISTORY_BATCHES if members else 0
    failing = set(rng.sample(range(count), round(count * (1 - PASS_RATE))))
    planned = [
        (rng.choice(members), today - timedelta(days=rng.randint(0, days)), n not in failing)
        for n in range(count)
    ]
    # Days from receipt to report, from a generator of their own so that the rest of the
    # history (products, readings) stays as it was: the statistics' lab turnaround.
    turnaround = random.Random(fund.year + 1)
    received = [
        reported_on - timedelta(days=turnaround.randint(4, 9)) for _m, reported_on, _p in planned
    ]
    created = Batch.objects.bulk_create(
        Batch(
            cooperative_id=fund.cooperative_id,
            member_id=member,
            fund=fund,
            product=rng.choice(PRODUCTS),
            category=bedding,
            safety_category="B",
            chain_role=Member.ChainRole.FINISHED_PRODUCT,
            standard=standard,
            lab=lab,
            status=Batch.Status.CLOSED,
            cost=cost,
            requested_at=at_noon(reported_on - timedelta(days=12)),
            received_on=received_on,
            due_on=received_on + timedelta(days=lab.turnaround_days),
            reported_on=reported_on,
            passed=passed,
        )
        for (member, reported_on, passed), received_on in zip(planned, received, strict=True)
    )
    judged = {}
    results, ledger, events = [], [], []
    for batch in created:
        events += history_events(batch)
        failing = None if batch.passed else rng.choice(sorted(FAILING))
        for indicator in indicators:
            reading = (FAILING if indicator.code == failing else PASSING)[indicator.code](rng)
            if (indicator.code, reading) not in judged:
                judged[indicator.code, reading] = verdict(indicator, standard, "B", reading)
            outcome = judged[indicator.code, reading]
            results.append(
                Result(
                    cooperative_id=batch.cooperative_id,
                    batch=batch,
                    indicator=indicator,
                    price=prices[indicator.pk],
                    raw=reading,
                    verdict=outcome.result,
                    explanation_code=outcome.code,
                    explanation_params=outcome.params,
                    reported_on=batch.reported_on,
                )
            )
        ledger += [
            LedgerEntry(
                cooperative_id=batch.cooperative_id,
                fund=fund,
                batch=batch,
                kind=kind,
                amount=amount,
                at=at,
            )
            for kind, amount, at in [
                (LedgerEntry.Kind.RESERVATION, -cost, batch.requested_at),
                (LedgerEntry.Kind.RELEASE, cost, at_noon(batch.reported_on)),
                (LedgerEntry.Kind.SETTLEMENT, -cost, at_noon(batch.reported_on)),
            ]
        ]
    Result.objects.bulk_create(results)
    LedgerEntry.objects.bulk_create(ledger)
    StepEvent.objects.bulk_create(events)


def at_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def history_events(batch):
    """The events of the steps a batch of the history went through, from its request to its
    closing, for its page's history."""
    Status = Batch.Status
    reported = at_noon(batch.reported_on)
    path = [
        ("request", Status.REQUESTED, batch.requested_at),
        ("approve", Status.APPROVED, batch.requested_at + timedelta(days=1)),
        ("sample", Status.SAMPLED, batch.requested_at + timedelta(days=2)),
        ("receive", Status.RECEIVED, at_noon(batch.received_on)),
        ("enter", Status.ENTERED, reported - timedelta(days=3)),
        ("verify", Status.VERIFIED, reported - timedelta(days=1)),
        ("report", Status.REPORTED, reported),
        ("close", Status.CLOSED, reported + timedelta(hours=1)),
    ]
    events, before = [], ""
    for verb, status, at in path:
        batch.status = status  # each event says the status its step led to
        events.append(batches.BATCH.event(batch, verb, actor=None, from_state=before, at=at))
        before = status
    return events


def seed_enterprise_tests(fund, lab, standard):
    """The demo enterprise's tests: one reported with its PDF, one failed awaiting its
    rectification answer, one at the lab awaiting results, one awaiting approval."""
    admin = User.objects.get(username="haimen-admin")
    technician = User.objects.get(username="lab")
    enterprise = User.objects.get(username="enterprise")
    member = enterprise.member
    codes = {"passing": "62", "failing": "96"}
    steps = [
        ("四件套", "passing", "reported"),
        ("被芯", "failing", "reported"),
        ("枕芯", None, "received"),
        ("毛毯", None, "requested"),
    ]
    indicators = list(Indicator.objects.filter(code__in=TESTED))
    for product, outcome, until in steps:
        batch = batches.request_batch(
            member=member,
            actor=enterprise,
            standard=standard,
            lab=lab,
            indicators=indicators,
            product=product,
            category=ProductCategory.objects.filter(code="bedding").first(),
            safety_category="B",
            chain_role=Member.ChainRole.FINISHED_PRODUCT,
            lot_number=f"JH-{fund.year}-{product}",
            quantity="3 套",
            # Past its free tests the unit asks for one at its own expense, as a page would.
            paid_by_member=batches.free_batches_left(member, fund.year) == 0,
        )
        if until == "requested":
            continue
        batches.approve(batch=batch, actor=admin)
        batches.sample(
            batch=batch,
            actor=admin,
            seal_number=f"HMJF-{batch.pk:05d}",
            samplers="王建华、李明",
            sampling_place="成品仓库",
            backup_kept=True,
        )
        batches.receive(batch=batch, actor=technician)
        if until == "received":
            continue
        values = {code: PASSING[code](random.Random(code)) for code in TESTED}
        values["formaldehyde"] = codes[outcome]
        batches.enter_results(batch=batch, actor=technician, values=values)
        batches.verify(batch=batch, actor=admin)
        batches.report(batch=batch, actor=admin)
        if outcome == "failing":
            batches.notify_rectification(
                batch=batch,
                actor=admin,
                notice="甲醛含量超出 GB 18401-2010 B 类限量，请排查印染助剂并整改。",
                due_on=timezone.localdate() + timedelta(days=30),
            )

"""Supervisory sampling rounds: which members are sampled, reproducibly and explainably, and
confirming a round in one idempotent operation.

The selection is a pure function of the stored inputs and seed: the same inputs and seed give
the same members. Risk weights come from what the portal knows of a member today: failures in
the last year and being new, and what the risk sources of higher apps add (``risk.py``: valid
complaints in the last year and a low credit grade, from credit)."""

import json
import math
import random
import secrets
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from coop import audit
from coop.errors import Refused
from coop.figures import grouped_by, thousands
from coop.models import StepEvent, User
from coop.tenancy import scope
from members.models import Member, MemberProductCategory
from standards.models import DeclaredStandard, ProductDeclaration
from testing_fund import risk, round_words
from testing_fund.main_products import main_products
from testing_fund.models import Batch, Fund, LedgerEntry, SamplingRound
from testing_fund.prices import price_results
from testing_fund.services.batches import BATCH

FAILURE_WEIGHT = 2  # per failed batch reported in the last year
NEW_MEMBER_WEIGHT = 1  # joined within the last year


def failed_batches(cooperative_id, today):
    """Testing's own risk source (``risk.py``): failed batches reported in the last year."""
    failures = grouped_by(
        Batch.objects.filter(
            cooperative_id=cooperative_id,
            passed=False,
            reported_on__gte=today - timedelta(days=365),
        ),
        "member",
        n=Count("pk"),
    )
    return {
        member_id: [
            (FAILURE_WEIGHT * row["n"], round_words.reason("failed_batches", count=row["n"]))
        ]
        for member_id, row in failures.items()
    }


def weigh(member_id, joined_on, signals, year_ago):
    """A member's weight in the draw, and the reasons for it as codes (``round_words.py``)."""
    reasons, weight = [], 1
    for found in signals:
        for points, reason in found.get(member_id, ()):
            weight += points
            reasons.append(reason)
    if joined_on and joined_on >= year_ago:
        weight += NEW_MEMBER_WEIGHT
        reasons.append(round_words.reason("new_member"))
    return weight, reasons


def candidates(cooperative_id, today=None):
    """Active members as the selection reads them: stratum, weight and the reasons for it."""
    today = today or timezone.localdate()
    year_ago = today - timedelta(days=365)
    # Failures first, then the higher apps' sources in the order they registered.
    signals = [source(cooperative_id, today) for source in [failed_batches, *risk.sources()]]
    categories = {}
    for member_id, code in (
        MemberProductCategory.objects.filter(cooperative_id=cooperative_id)
        .order_by("category__code")
        .values_list("member_id", "category__code")
    ):
        categories.setdefault(member_id, code)
    rows = []
    members = Member.objects.filter(cooperative_id=cooperative_id, status=Member.Status.ACTIVE)
    for pk, district_id, joined_on in members.order_by("pk").values_list(
        "pk", "district_id", "joined_on"
    ):
        weight, reasons = weigh(pk, joined_on, signals, year_ago)
        rows.append(
            {
                "member": pk,
                "stratum": f"{district_id}/{categories.get(pk, '')}",
                "weight": weight,
                "reasons": reasons,
            }
        )
    return rows


def allocate(strata, target):
    """Split ``target`` over the strata in proportion to their size (largest remainder)."""
    total = sum(len(members) for members in strata.values())
    shares = {name: target * len(members) / total for name, members in strata.items()}
    counts = {name: math.floor(share) for name, share in shares.items()}
    leftover = target - sum(counts.values())
    for name in sorted(shares, key=lambda n: (counts[n] - shares[n], n))[:leftover]:
        counts[name] += 1
    return counts


def select(inputs, seed, coverage):
    """The members to sample: per stratum its share of the target, drawn at random with the
    chance growing with the weight (keys u ** (1 / weight), the largest taken)."""
    if not inputs:
        return []
    strata = defaultdict(list)
    for row in sorted(inputs, key=lambda row: row["member"]):
        strata[row["stratum"]].append(row)
    target = math.ceil(float(coverage) * len(inputs))
    counts = allocate(strata, target)
    rng = random.Random(seed)
    chosen = []
    for name in sorted(strata):
        keyed = [(rng.random() ** (1 / row["weight"]), row) for row in strata[name]]
        keyed.sort(key=lambda pair: (-pair[0], pair[1]["member"]))
        for _key, row in keyed[: counts[name]]:
            why = [
                round_words.stratum_reason(name, counts[name], len(strata[name])),
                *row["reasons"],
            ]
            chosen.append({"member": row["member"], "weight": row["weight"], "reasons": why})
    return sorted(chosen, key=lambda row: row["member"])


@transaction.atomic
def preview_round(
    *, cooperative, actor, name, coverage, lab, standard, safety_category="B", seed=None
):
    """Work out a round for staff to look at; nothing is booked until they confirm it."""
    seed = secrets.randbits(31) if seed is None else seed
    inputs = candidates(cooperative.pk)
    sampling_round = SamplingRound(
        cooperative=cooperative,
        name=name,
        coverage=coverage,
        seed=seed,
        lab=lab,
        standard=standard,
        safety_category=safety_category,
        inputs=inputs,
        selection=select(inputs, seed, coverage),
    )
    sampling_round.full_clean()
    sampling_round.save()
    audit.record(instance=sampling_round, actor=actor, action="round_preview")
    return sampling_round


@transaction.atomic
def confirm_round(*, sampling_round, actor):
    """Book a batch and its reservation for every selected member, all or nothing. Running it
    again, or after a crash, adds only what is missing: one batch per member and round."""
    # The preview's inputs (every candidate with its signals) are not needed to book: a round
    # of 50,000 members would hold them in memory beside the selection.
    # Nor is the selection's whole record: its member ids are read by the database.
    locked = (
        SamplingRound.objects.select_for_update()
        .defer("inputs", "selection")
        .get(pk=sampling_round.pk)
    )
    selected = selected_members(locked)
    # By the columns of the unique index on (cooperative, round, member), read alone.
    existing = set(
        Batch.objects.filter(
            cooperative_id=locked.cooperative_id, sampling_round=locked
        ).values_list("member_id", flat=True)
    )
    missing = [member for member in selected if member not in existing]
    if missing:
        book(locked, missing, actor)
    if locked.status != SamplingRound.Status.CONFIRMED:
        locked.status, locked.confirmed_at = SamplingRound.Status.CONFIRMED, timezone.now()
        locked.save(update_fields=["status", "confirmed_at"])
        audit.record(instance=locked, actor=actor, action="round_confirm")
        notify_on_commit(locked)
    return locked


# The ids of a round's selected members in the selection's order, by the database's JSON
# functions: PostgreSQL's here, SQLite's for the demo (the SQLite form is tested on SQLite
# itself, tests/testing_fund/test_rounds.py).
SELECTED_MEMBERS = {
    "postgresql": """SELECT (e.value ->> 'member')::bigint
        FROM {table} r
        CROSS JOIN LATERAL jsonb_array_elements(r.selection) WITH ORDINALITY AS e(value, n)
        WHERE r.id = %s ORDER BY e.n""",
    "sqlite": """SELECT json_extract(e.value, '$.member')
        FROM {table} r, json_each(r.selection) e
        WHERE r.id = %s ORDER BY e.key""",
}


def selected_members(sampling_round):
    """The ids of the round's selected members, in the selection's order, taken out of its
    JSON by the database. Decoding the selection in Python (each member a record with its
    weight and reasons) took 0.22 s for 50,000 members against 0.013 s for 10,000: the
    collector walked the growing record again and again (bench/README.md)."""
    sql = SELECTED_MEMBERS[connection.vendor].format(table=SamplingRound._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [sampling_round.pk])
        return [member for (member,) in cursor.fetchall()]


def book(sampling_round, members, actor):
    indicators = [
        limit.indicator
        for limit in sampling_round.standard.limits.select_related("indicator")
        if limit.category in (sampling_round.safety_category, "")
    ]
    priced = price_results(sampling_round.lab, indicators)
    cost = sum(price for _indicator, price in priced)
    cooperative_id = sampling_round.cooperative_id
    year = timezone.localdate().year
    # The cost is checked against the year's fund before one is opened for the round: a
    # refused round leaves no empty fund behind.
    fund = Fund.objects.select_for_update().filter(cooperative_id=cooperative_id, year=year).first()
    balance, total = (fund.balance() if fund else Decimal("0.00")), cost * len(members)
    if total > balance:
        raise Refused(
            _("The round costs ¥%(total)s; the fund has ¥%(balance)s.")
            % {"total": thousands(total), "balance": thousands(balance)}
        )
    if fund is None:  # a round that costs nothing, with no fund yet
        fund, _created = Fund.objects.get_or_create(cooperative_id=cooperative_id, year=year)
    # The batches booked here are the round's with an id above the largest before them: the
    # round is locked, so nothing else books it meanwhile, and ids only grow. Their results,
    # reservations and events go in for those ids alone. Asking instead which of the round's
    # batches lacked them was an anti-join that PostgreSQL, on tables not analysed since they
    # grew, ran as a nested loop over every event: 124 s for 50,000 members (bench/README.md).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {Batch._meta.db_table}")
        after = cursor.fetchone()[0] or 0
    # One statement on PostgreSQL whatever the round's size; SQLite allows some 32,000
    # parameters (two a member).
    chunk = len(members) if connection.vendor == "postgresql" else 5000
    for start in range(0, len(members), chunk):
        insert_batches(sampling_round, members[start : start + chunk], fund, cost)
    add_results_and_reservations(sampling_round, after, priced, fund, actor, cost)
    record_bookings(sampling_round, after, actor)


def record_bookings(sampling_round, after, actor):
    """The event of the batch workflow's record-only step "book" for each batch of the round
    booked now (id above ``after``), inserted by the database like the batches (a round books
    thousands)."""
    workflow, booked = BATCH.name, BATCH.by_name["book"].name
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {StepEvent._meta.db_table}
                    (cooperative_id, workflow, object_id, step, from_status, to_status, actor_id,
                     reason, details, at)
                SELECT b.cooperative_id, %s, b.id, %s, '', b.status, %s, '', '{{}}', %s
                FROM testing_fund_batch b
                WHERE b.cooperative_id = %s AND b.sampling_round_id = %s AND b.id > %s""",
            [
                workflow,
                booked,
                actor.pk if actor is not None else None,
                timezone.now(),
                sampling_round.cooperative_id,
                sampling_round.pk,
                after,
            ],
        )


def booked_products(sampling_round, members):
    """Each member with its main product (``main_products``) as SQL rows ``(member_id,
    product)`` and their parameters; a member with nothing to name gets "" and its samplers
    name what they take. A list joined by the member's id: a ``CASE`` with a branch per member
    was tried once per row, a round's cost growing with the square of its size."""
    products = main_products(
        members,
        standard_id=sampling_round.standard_id,
        category=sampling_round.safety_category,
        models={
            "Member": Member,
            "ProductDeclaration": ProductDeclaration,
            "DeclaredStandard": DeclaredStandard,
            "MemberProductCategory": MemberProductCategory,
        },
    )
    # VALUES names its columns column1, column2 on PostgreSQL and SQLite alike.
    rows = ", ".join(["(%s, %s)"] * len(members))
    return (
        f"(SELECT column1 AS member_id, column2 AS product FROM (VALUES {rows}) AS v)",
        [value for member in members for value in (member, products.get(member, ""))],
    )


def insert_batches(sampling_round, members, fund, cost):
    """One approved supervisory batch per member, inserted by the database, each booked for
    the member's main product. ``members`` lack one: ``confirm_round`` asked, with the round
    locked, by the columns of the unique index on (cooperative, round, member), which also
    refuses a second. Asking again here for each member was a plan PostgreSQL chose by
    statistics that do not know the rows this transaction added (bench/README.md)."""
    products_sql, products_params = booked_products(sampling_round, members)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO testing_fund_batch
                    (cooperative_id, member_id, fund_id, kind, status, product, safety_category,
                     chain_role, standard_id, lab_id, lot_number, quantity, delivery,
                     sampling_place, seal_number, samplers, backup_kept, cost,
                     free_reinspection, paid_by_member, sampling_round_id, requested_at)
                SELECT m.cooperative_id, m.id, %s, %s, %s, p.product, %s, '', %s, %s, '', '', %s,
                       '', '', '', %s, %s, %s, %s, %s, %s
                FROM {products_sql} p
                JOIN members_member m ON m.id = p.member_id
                WHERE m.cooperative_id = %s""",
            [
                fund.pk,
                Batch.Kind.SUPERVISORY,
                Batch.Status.APPROVED,
                sampling_round.safety_category,
                sampling_round.standard_id,
                sampling_round.lab_id,
                Batch.Delivery.PICKUP,
                False,
                cost,
                False,
                False,
                sampling_round.pk,
                timezone.now(),
                *products_params,
                sampling_round.cooperative_id,
            ],
        )


def add_results_and_reservations(sampling_round, after, priced, fund, actor, cost):
    """The results to enter and the reservations of the batches booked now (id above
    ``after``), in two INSERT … SELECT statements: building tens of thousands of rows in
    Python took seconds (bench/README.md)."""
    prices = " UNION ALL ".join(["SELECT %s AS indicator_id, %s AS price"] * len(priced))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO testing_fund_result
                    (cooperative_id, batch_id, indicator_id, price, raw, verdict, explanation)
                SELECT b.cooperative_id, b.id, p.indicator_id, p.price, '', '', ''
                FROM testing_fund_batch b, ({prices}) p
                WHERE b.cooperative_id = %s AND b.sampling_round_id = %s AND b.id > %s""",
            [value for indicator, price in priced for value in (indicator.pk, price)]
            + [sampling_round.cooperative_id, sampling_round.pk, after],
        )
        cursor.execute(
            """INSERT INTO testing_fund_ledgerentry
                   (cooperative_id, fund_id, batch_id, actor_id, kind, amount, reason, at)
               SELECT b.cooperative_id, %s, b.id, %s, %s, %s, '', %s
               FROM testing_fund_batch b
               WHERE b.cooperative_id = %s AND b.sampling_round_id = %s AND b.id > %s""",
            [
                fund.pk,
                actor.pk if actor else None,
                LedgerEntry.Kind.RESERVATION,
                -cost,
                timezone.now(),
                sampling_round.cooperative_id,
                sampling_round.pk,
                after,
            ],
        )


def notify_on_commit(sampling_round):
    """The mail of a confirmed round goes out from a worker once the booking is committed: a
    province's round tells tens of thousands of members, which the request that confirmed it
    would otherwise wait for (and a proxy's time-out would show as a failure of a round that
    was booked)."""
    from testing_fund.tasks import send_round_notices

    send_round_notices.delay_on_commit(sampling_round.cooperative_id, sampling_round.pk)


def notify(sampling_round):
    """Tell the sampled members and the lab (by mail, to those with an address)."""
    subject = _("Supervisory sampling: %(round)s") % {"round": sampling_round.name}
    # The round's members by its batches, in the database: a list of 50,000 ids sent as
    # parameters cost ten times the 10,000's (bench/README.md).
    # (It runs when the transaction commits, wherever that is: in the round's own scope.)
    lab_mail = list(
        User.objects.filter(institution_id=sampling_round.lab_id)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    with scope({sampling_round.cooperative_id}):
        booked = Batch.objects.filter(sampling_round=sampling_round)
        member_mail = list(
            User.objects.filter(member_id__in=booked.values("member_id"))
            .exclude(email="")
            .values_list("email", flat=True)
        )
        samples = booked.count() if lab_mail else 0
    messages = [
        (
            subject,
            _("Your unit is among those sampled in this round; samplers will visit."),
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
        for address in member_mail
    ]
    if lab_mail:
        messages.append(
            (
                subject,
                _("%(count)d samples are booked for your lab.") % {"count": samples},
                settings.DEFAULT_FROM_EMAIL,
                lab_mail,
            )
        )
    send_mass_mail(messages, fail_silently=False)


ROUND_CRONTAB = {
    "minute": "0",
    "hour": "8",
    "day_of_month": "1",
    "month_of_year": "1,4,7,10",
    "day_of_week": "*",
}


def schedule_rounds(cooperative, lab=None, standard=None, coverage="0.10"):
    """The cooperative's quarterly round in django-celery-beat; staff move, pause and run it on
    the schedules page (``supervision.schedules``). Its task previews a round; staff confirm it.
    Without a lab or a standard it is made paused, its arguments waiting for them. Idempotent:
    an existing schedule is returned as it is."""
    quarterly, _created = CrontabSchedule.objects.get_or_create(
        timezone="Asia/Shanghai", **ROUND_CRONTAB
    )
    kwargs = {"coverage": str(coverage)}
    if lab is not None and standard is not None:
        kwargs |= {"lab_id": lab.pk, "standard_id": standard.pk}
    task, _created = PeriodicTask.objects.get_or_create(
        name=f"Sampling round: {cooperative.slug}",
        defaults={
            "task": "testing_fund.tasks.plan_round",
            "crontab": quarterly,
            "args": json.dumps([cooperative.pk]),
            "kwargs": json.dumps(kwargs),
            "enabled": "lab_id" in kwargs,
        },
    )
    return task

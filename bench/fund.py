"""Benchmark: confirming a sampling round for 10,000 members, and testing statistics over
1,000,000 batches.

Targets on this machine: the confirmation (batches, results and ledger entries) under 3 s;
a region's pass rate by cooperative under 150 ms; one cooperative's year by indicator under
20 ms. The million batches (three results each) are generated in SQL with generate_series.
Usage: .venv/bin/python bench/fund.py   (PostgreSQL on BENCH_FUND_DATABASE_URL's server)
"""

import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
URL = os.environ.get(
    "BENCH_FUND_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coop_portal_bench_fund"
)
os.environ.update(
    {"DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "coop.settings", "DEBUG": "1", "REDIS_URL": ""}
)

import django  # noqa: E402

from bench.database import analyze, ensure_database  # noqa: E402

# A region of 100 cooperatives shares the million batches (Haimen tested about 3,800 batches in
# five years): 10,000 each this year. The first has 10,000 members for the round.
COOPERATIVES, BATCHES, YEAR = 100, 1_000_000, date.today().year
ROUND_MEMBERS, OTHER_MEMBERS = 10_000, 200


def timed(function, repeat=20):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def setup():
    from django.core.management import call_command

    from coop.models import Cooperative, District, Region, User
    from coop.tenancy import unscoped
    from members.models import Member
    from standards import catalogue
    from standards.models import Indicator
    from testing_fund.models import Fund, LabPrice, TestingInstitution

    call_command("migrate", verbosity=0)
    catalogue.load()
    with unscoped():
        region, _ = Region.objects.get_or_create(
            slug="bench", defaults={"name_zh": "基准市", "division_code": "320600"}
        )
        district, _ = District.objects.get_or_create(
            division_code="320684", defaults={"region": region, "name_zh": "海门区"}
        )
        cooperatives = [
            Cooperative.objects.get_or_create(
                slug=f"bench-{n}",
                defaults={
                    "code": f"BF{n}",
                    "name_zh": f"基准合作社{n}",
                    "region": region,
                    "district": district,
                    "industry": "家纺",
                    "established": date(2017, 6, 16),
                },
            )[0]
            for n in range(COOPERATIVES)
        ]
        lab, _ = TestingInstitution.objects.get_or_create(name_zh="基准检验所")
        lab.cooperatives.set(cooperatives)
        for indicator in Indicator.objects.all():
            LabPrice.objects.get_or_create(
                institution=lab, indicator=indicator, defaults={"price": Decimal(100)}
            )
        admin, _ = User.objects.get_or_create(
            username="bench-fund-admin",
            defaults={"role": "coop_admin", "cooperative": cooperatives[0]},
        )
        for cooperative in cooperatives:
            if not Member.objects.filter(cooperative=cooperative).exists():
                Member.objects.bulk_create(
                    [
                        Member(
                            cooperative=cooperative,
                            name=f"基准{n:05d}",
                            uscc=f"BENCH{n:013d}",
                            district=district,
                            town=f"镇{n % 12}",
                            status="active",
                            joined_on=date(2020, 1, 1),
                        )
                        for n in range(10_000)
                    ],
                    batch_size=5000,
                )
            Fund.objects.get_or_create(cooperative=cooperative, year=YEAR)
    return cooperatives, lab, admin


def fill_batches(cooperatives, lab):
    """A million reported batches with three results each, spread over the cooperatives and
    the year, a few per cent failing: generated in the database in one statement each."""
    from django.db import connection

    from coop.tenancy import unscoped
    from members.models import Member
    from standards.models import Indicator, Standard
    from testing_fund.models import Batch

    with unscoped():
        if Batch.objects.count() >= BATCHES:
            return
        standard = Standard.objects.get(code="GB 18401-2010").pk
        indicators = list(
            Indicator.objects.filter(code__in=["formaldehyde", "ph", "odour"]).values_list(
                "pk", flat=True
            )
        )
    coops = [c.pk for c in cooperatives]
    with unscoped():
        # The bench's members were bulk inserted: each cooperative's ids are consecutive.
        firsts = [
            Member.objects.filter(cooperative_id=c)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
            for c in coops
        ]
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO testing_fund_batch (cooperative_id, member_id, fund_id, kind, status,
                product, safety_category, chain_role, standard_id, lab_id, lot_number, quantity,
                delivery, sampling_place, seal_number, samplers, backup_kept, cost,
                free_reinspection, paid_by_member, requested_at, reported_on, passed)
            SELECT (ARRAY{coops})[1 + g % {len(coops)}],
                   (ARRAY{firsts})[1 + g % {len(coops)}] + (g / {len(coops)}) % {OTHER_MEMBERS},
                   f.id, 'request', 'closed', '四件套', 'B', '', {standard}, {lab.pk},
                   '', '', 'delivery', '', '', '', false, 300, false, false, now(),
                   DATE '{YEAR}-01-01' + (g % 365), (g % 40) <> 0
            FROM generate_series(1, {BATCHES}) g
            JOIN testing_fund_fund f ON f.cooperative_id = (ARRAY{coops})[1 + g % {len(coops)}]
                 AND f.year = {YEAR}
        """)
        for position, indicator in enumerate(indicators):
            fails = "b.passed = false" if position == 0 else "false"
            cursor.execute(f"""
                INSERT INTO testing_fund_result (cooperative_id, batch_id, indicator_id, price,
                    raw, reported_on, verdict, explanation)
                SELECT b.cooperative_id, b.id, {indicator}, 100, '1', b.reported_on,
                       CASE WHEN {fails} THEN 'fail' ELSE 'pass' END, ''
                FROM testing_fund_batch b WHERE b.sampling_round_id IS NULL
            """)


def main():
    ensure_database(URL)
    django.setup()
    from coop.tenancy import scope, unscoped
    from standards.models import Standard
    from supervision.statistics import pass_rates_by_cooperative
    from testing_fund.models import Batch, Fund
    from testing_fund.services import rounds
    from testing_fund.services.fund import appropriate
    from testing_fund.statistics import by_indicator

    cooperatives, lab, admin = setup()
    first = cooperatives[0]
    with unscoped():
        fund = Fund.objects.get(cooperative=first, year=YEAR)
        standard = Standard.objects.get(code="GB 18401-2010")
    with scope({first.pk}):
        appropriate(
            fund=fund, actor=admin, source="基准", amount=Decimal(10_000_000), on=date.today()
        )
        planned = rounds.preview_round(
            cooperative=first,
            actor=admin,
            name="基准轮次",
            coverage=Decimal(1),
            lab=lab,
            standard=standard,
            seed=1,
        )
        start = time.perf_counter()
        rounds.confirm_round(sampling_round=planned, actor=admin)
        confirm_seconds = time.perf_counter() - start
        booked = Batch.objects.filter(sampling_round=planned).count()
    print(
        f"confirming a round for {len(planned.selection)} members: {confirm_seconds:.2f} s "
        f"({booked} batches with results and reservations; target < 3 s)"
    )
    fill_batches(cooperatives, lab)
    analyze()
    with unscoped():
        total = Batch.objects.count()
    region = timed(lambda: pass_rates_by_cooperative(first.region_id, YEAR))
    with scope({first.pk}):
        year = timed(lambda: by_indicator(first.pk, YEAR))
    print(f"statistics over {total:,} batches:")
    print(f"  a region's pass rate by cooperative   median {region:7.1f} ms (target < 150 ms)")
    print(f"  one cooperative's year by indicator   median {year:7.1f} ms (target < 20 ms)")


if __name__ == "__main__":
    main()

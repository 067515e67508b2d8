"""Benchmark: confirming a sampling round for 10,000 members, and testing statistics over
1,000,000 batches.

Targets on this machine: the confirmation (batches, results and ledger entries) under 3 s, and
at 50,000 members under 5 times the 10,000 one's time; a region's pass rate by cooperative
under 150 ms; one cooperative's year by indicator under 20 ms, at up to 3,000,000 batches.
The batches (three results each) are generated in SQL with generate_series.
Usage: .venv/bin/python bench/fund.py [--members 1000 10000 50000] [--batches 100000 1000000]
[--repeat 3]
(PostgreSQL on BENCH_FUND_DATABASE_URL's server). ``confirm_seconds(members)`` and
``statistics_ms(batches)`` are what ``bench/region.py`` calls to print the growth.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
URL = os.environ.get(
    "BENCH_FUND_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coop_portal_bench_fund"
)

import django  # noqa: E402

from bench.database import analyze, ensure_database  # noqa: E402

# A region of 100 cooperatives, 10,000 batches each this year at most (Haimen tested about
# 3,800 batches in five years): a million. Fewer batches are fewer each; past a million the
# table grows by more regions of the same size, as a province's would, so the region and the
# cooperative measured stay at a million and 10,000 while the table grows.
PER_REGION, PER_COOPERATIVE, YEAR = 100, 10_000, date.today().year
DEFAULT_MEMBERS, DEFAULT_BATCHES = 10_000, 1_000_000
OTHER_MEMBERS = 200  # the members a statistics cooperative's batches belong to


def configure():
    """Settings for running this file alone (``bench/region.py`` configures its own). DEBUG
    off, as a worker runs: with it on, Django keeps a log of every query's SQL (a round's
    batch insert is a statement of 100,000 values), which the time and the peak would count."""
    os.environ.update(
        {
            "DATABASE_URL": URL,
            "DJANGO_SETTINGS_MODULE": "coop.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),  # a key of this run alone
            "REDIS_URL": "",
        }
    )
    django.setup()


def database_url(batches):
    """The database of a size: the default million in ``coop_portal_bench_fund``, as before,
    each other size in its own (kept between runs, built on the first)."""
    return URL if batches == DEFAULT_BATCHES else f"{URL}_{batches}"


@contextmanager
def using(url):
    """Point Django's default connection at ``url``'s database for a while (each size has its
    own database, and ``bench/region.py`` calls in with its own connected)."""
    from django.db import connections

    ensure_database(url)
    connection = connections["default"]
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = url.rsplit("/", 1)[1]
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


def timed(function, repeat=20):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def prepare():
    from django.core.management import call_command

    from standards import catalogue

    call_command("migrate", verbosity=0)
    catalogue.load()


def lab_for(cooperatives):
    from standards.models import Indicator
    from testing_fund.models import LabPrice, TestingInstitution

    lab, _ = TestingInstitution.objects.get_or_create(name_zh="基准检验所")
    lab.cooperatives.add(*cooperatives)
    for indicator in Indicator.objects.all():
        LabPrice.objects.get_or_create(
            institution=lab, indicator=indicator, defaults={"price": Decimal(100)}
        )
    return lab


def cooperative(slug, number, region_number, members, main_products=""):
    """A cooperative of the bench with ``members`` active members (bulk inserted, so each
    cooperative's member ids are consecutive) and this year's fund."""
    from coop.models import Cooperative, District, Region
    from members.models import Member
    from testing_fund.models import Fund

    # Region 0 is the one the statistics measure ("bench", as before); 999 the rounds'.
    region, _ = Region.objects.get_or_create(
        slug=f"bench-{region_number}" if region_number else "bench",
        defaults={"name_zh": f"基准市{region_number}", "division_code": "320600"},
    )
    district, _ = District.objects.get_or_create(
        division_code=f"9{region_number:05d}" if region_number else "320684",
        defaults={"region": region, "name_zh": f"基准区{region_number}"},
    )
    made, _ = Cooperative.objects.get_or_create(
        slug=slug,
        defaults={
            "code": f"BF{number}",
            "name_zh": f"基准合作社{slug}",
            "region": region,
            "district": district,
            "industry": "家纺",
            "established": date(2017, 6, 16),
        },
    )
    if not Member.objects.filter(cooperative=made).exists():
        Member.objects.bulk_create(
            [
                Member(
                    cooperative=made,
                    name=f"基准{n:05d}",
                    uscc=f"B{number:06d}{n:011d}",
                    district=district,
                    town=f"镇{n % 12}",
                    status="active",
                    joined_on=date(2020, 1, 1),
                    main_products=main_products,
                )
                for n in range(members)
            ],
            batch_size=5000,
        )
    Fund.objects.get_or_create(cooperative=made, year=YEAR)
    return made


def confirm_seconds(members=DEFAULT_MEMBERS):
    """Seconds to confirm a round of ``members`` members (coverage 1: each active member of a
    cooperative of that size), in ``coop_portal_bench_fund``. Each call books a new round
    (its batches stay), and returns (seconds, batches booked, peak resident MB while
    confirming: the high-water mark is reset first, so making the members and the preview do
    not count)."""
    from coop.models import User
    from coop.tenancy import scope, unscoped
    from standards.models import Standard
    from testing_fund.models import Batch, Fund
    from testing_fund.services import rounds
    from testing_fund.services.fund import appropriate

    with using(URL):
        prepare()
        with unscoped():
            # Members registered their main products, as they do: the round books them.
            booking = cooperative(
                f"bench-round-{members}",
                900_000 + members,
                999,
                members,
                main_products="四件套、被芯",
            )
            lab = lab_for([booking])
            admin, _ = User.objects.get_or_create(
                username=f"bench-fund-admin-{members}",
                defaults={"role": "coop_admin", "cooperative": booking},
            )
            fund = Fund.objects.get(cooperative=booking, year=YEAR)
            standard = Standard.objects.get(code="GB 18401-2010")
        with scope({booking.pk}):
            appropriate(
                fund=fund,
                actor=admin,
                source="基准",
                amount=Decimal(1_000 * members),
                on=date.today(),
            )
            planned = rounds.preview_round(
                cooperative=booking,
                actor=admin,
                name="基准轮次",
                coverage=Decimal(1),
                lab=lab,
                standard=standard,
                seed=1,
            )
            planned = type(planned).objects.get(pk=planned.pk)  # as a page or task finds it
            reset_peak()
            start = time.perf_counter()
            rounds.confirm_round(sampling_round=planned, actor=admin)
            seconds = time.perf_counter() - start
            peak = peak_mb()
            booked = Batch.objects.filter(sampling_round=planned).count()
    return seconds, booked, peak


def reset_peak():
    """Linux keeps a process's peak resident memory (VmHWM); writing 5 to clear_refs resets
    it to what the process holds now (proc(5))."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def fill_batches(cooperatives, lab, batches):
    """``batches`` reported batches with three results each, spread over the cooperatives and
    the year, a few per cent failing: generated in the database in one statement each."""
    from django.db import connection

    from coop.tenancy import unscoped
    from members.models import Member
    from standards.models import Indicator, Standard
    from testing_fund.models import Batch

    with unscoped():
        if Batch.objects.filter(sampling_round=None).count() >= batches:
            return
        standard = Standard.objects.get(code="GB 18401-2010").pk
        indicators = list(
            Indicator.objects.filter(code__in=["formaldehyde", "ph", "odour"]).values_list(
                "pk", flat=True
            )
        )
        coops = [c.pk for c in cooperatives]
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
            FROM generate_series(1, {batches}) g
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


def statistics_ms(batches=DEFAULT_BATCHES):
    """Median ms of a region's pass rate by cooperative and of one cooperative's year by
    indicator, with ``batches`` batches in the table (its own database), and the region's
    and the cooperative's share of them: (region ms, year ms, region batches, coop batches)."""
    from coop.tenancy import scope, unscoped
    from supervision.statistics import pass_rates_by_cooperative
    from testing_fund.models import Batch
    from testing_fund.statistics import by_indicator

    each = max(1, min(PER_COOPERATIVE, batches // PER_REGION))
    count = -(-batches // each)  # cooperatives: whole regions of 100 past a million
    with using(database_url(batches)):
        prepare()
        with unscoped():
            cooperatives = [
                cooperative(f"bench-{n}", n, n // PER_REGION, OTHER_MEMBERS) for n in range(count)
            ]
            fill_batches(cooperatives, lab_for(cooperatives), batches)
        analyze()
        first = cooperatives[0]
        with unscoped():
            in_region = Batch.objects.filter(
                cooperative__region=first.region_id, reported_on__year=YEAR
            ).count()
        region = timed(lambda: pass_rates_by_cooperative(first.region_id, YEAR))
        with scope({first.pk}):
            year = timed(lambda: by_indicator(first.pk, YEAR))
            in_cooperative = Batch.objects.filter(reported_on__year=YEAR).count()
    return region, year, in_region, in_cooperative


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="*", default=[DEFAULT_MEMBERS])
    parser.add_argument("--batches", type=int, nargs="*", default=[DEFAULT_BATCHES])
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds of each size, the sizes taken in turn (medians compared)",
    )
    options = parser.parse_args()
    configure()
    runs = {members: [] for members in options.members}
    # The sizes in turn, not one size's runs together: what else the machine does, and the
    # table growing by each round, fall on every size alike.
    for _repeat in range(options.repeat):
        for members in options.members:
            seconds, booked, peak = confirm_seconds(members)
            runs[members].append(seconds)
            print(
                f"confirming a round for {members:,} members: {seconds:.2f} s "
                f"({booked:,} batches with results and reservations; "
                f"{seconds / members * 1e6:.0f} µs a member; peak {peak:.0f} MB)"
            )
    tens = statistics.median(runs[10_000]) if 10_000 in runs else None
    for members, seconds in runs.items():
        median = statistics.median(seconds)
        target = "target < 3 s" if members == 10_000 else "no target"
        if members == 50_000 and tens:
            ratios = [big / small for big, small in zip(seconds, runs[10_000])]
            target = (
                f"{median / tens:.2f} × the 10,000 round's median (target < 5 ×; each pair "
                f"{', '.join(f'{ratio:.2f}' for ratio in ratios)})"
            )
        print(
            f"median of {len(seconds)} for {members:,} members: {median:.2f} s "
            f"(spread {min(seconds):.2f}–{max(seconds):.2f} s; "
            f"{median / members * 1e6:.0f} µs a member; {target})"
        )
    for batches in options.batches:
        region, year, in_region, in_cooperative = statistics_ms(batches)
        print(f"statistics over {batches:,} batches ({in_region:,} the region's this year):")
        print(f"  a region's pass rate by cooperative   median {region:7.1f} ms (target < 150 ms)")
        print(
            f"  one cooperative's year by indicator   median {year:7.1f} ms (target < 20 ms; "
            f"{in_cooperative:,} batches)"
        )


if __name__ == "__main__":
    main()

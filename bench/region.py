"""Benchmark: the portal at the scale of a province (issue 17).

A region of 100 cooperatives with 1,010,500 members (one cooperative of 20,000, whose staff
batch list has 20,000 batches), 1.01 M batches with 3.08 M results, 100,000 published
commitments in force, a credit grade per member and a few thousand complaints, generated in SQL
(one statement per table) into a database of its own, kept between runs.

Then, on gunicorn (bench.settings, DEBUG off, persistent connections, Redis as the cache),
each page and API list of the issue's table is loaded by ``wrk -t2 -c16`` side by side with
the trivial view behind the same middleware, alternating trivial view and page, three rounds:
requests/s, p99 and the share of the trivial view (median and spread). Public pages and staff
lists twice: from the public and staff caches (as deployed, where the target applies) and with
PUBLIC_CACHE_SECONDS=0 and STAFF_CACHE_SECONDS=0 (every request rendered, where the query count
must stay constant). In-process, through Django's test client: each page's query count and its
slowest query.

Then growth (round confirmation at 1 k, 10 k, 50 k members and the statistics at 100 k, 1 M and
3 M batches, in bench/fund.py's databases) and memory (each gunicorn worker's and a real Celery
worker's peak resident memory, and the peak of exporting 20,000 members to XLSX, building the
annual report and confirming a 50,000-member round, each in a process of its own).

Targets (issue 17): anonymous public pages >= 50% of the trivial view, the bureau's dashboard
>= 10%, staff lists and their API >= 50% (page 300 as page 1); round confirmation 10 k < 3 s and
50 k < 5 x the 10 k time; region statistics < 150 ms and a cooperative's year by indicator
< 20 ms at 3 M batches; under 300 MB per worker.

Usage: .venv/bin/python bench/region.py [--seconds 10] [--rounds 3] [--only NAME ...]
       [--skip-growth] [--skip-memory] [--quick]
(PostgreSQL on BENCH_REGION_DATABASE_URL's server, Redis on BENCH_REDIS_URL, Debian's wrk)
"""

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_REGION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coop_portal_bench_region"
)
# A Redis database of the benchmark's own (cache, Celery broker), so its pages stay apart.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "0",
    "HTTPS": "0",  # plain http on the loopback: no redirect to https
    "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "LOG_LEVEL": "WARNING",
    "MEDIA_ROOT": os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="bench-region-"),
    # The tokens live as long as a full run.
    "API_TOKEN_TTL_HOURS": "12",
}
# A server child (gunicorn, the Celery worker, a measuring child) gets the same secret key,
# so the sessions made here are valid there.
os.environ.update(ENV)
os.environ["BENCH_SECRET_KEY"] = ENV["SECRET_KEY"]
# In this process pages are rendered, never taken from the cache: its query counts are the
# work of a request the cache missed.
os.environ["PUBLIC_CACHE_SECONDS"] = "0"
os.environ["STAFF_CACHE_SECONDS"] = "0"

PORT = 8770
LOG = Path(tempfile.gettempdir()) / "bench-region-gunicorn.log"
WORKERS = 2

# The region's size (issue 17).
COOPERATIVES = 100
BIG_MEMBERS = 20_000  # the big cooperative: its members and its batches
MEMBERS = 1_010_500
BATCHES = 1_010_000
COMMITMENTS = 100_000
COMPLAINTS = 5_000
BIG_COMPLAINTS = 1_000
BIG_SLUG = "region-0"
# Kept in the database: the steps of the build done, and when. A rerun skips them.
MARKER = "bench_region_built"

import django  # noqa: E402

from bench.database import ensure_database  # noqa: E402

# Words the generated names and products are made of, so that a search term matches as it
# would in a real registry: a name fragment a few hundred members share, a product thousands of
# commitments name.
CITIES = ["南通", "海门", "通州", "如皋", "启东", "海安", "如东", "崇川", "常熟", "吴江", "江阴"]
WORDS = ["恒", "瑞", "华", "鑫", "美", "锦", "丰", "盛", "祥", "达", "泰", "宏", "隆", "兴", "佳"]
TRADES = ["家纺", "纺织", "服饰", "床品", "丝绸", "绣品", "寝具", "织造"]
PRODUCTS = ["四件套", "被芯", "蚕丝被", "羽绒被", "枕芯", "毛毯", "床笠", "凉席", "毛巾", "睡衣"]
NAME_QUERY = "恒瑞家纺"  # CITY + 恒瑞 + 家纺: 1 in 15 x 15 x 8 members
PRODUCT_QUERY = "蚕丝被"


def sql_array(values):
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def insert_select(cursor, model, values, source):
    """``INSERT INTO <model's table> (...) SELECT <values> FROM <source>``: the columns of
    ``values`` as given (SQL expressions), and every other NOT NULL column of the model its
    default, so a column another change adds does not break the build."""
    from django.db import connection, models

    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.column in values:
            expressions.append(values[field.column])
        elif field.primary_key or field.null or field.db_default is not models.NOT_PROVIDED:
            continue
        elif field.has_default():
            value = field.get_db_prep_save(field.get_default(), connection)
            expressions.append(cursor.cursor.mogrify("%s", [value]).decode())
        elif isinstance(field, models.DateTimeField):
            expressions.append("now()")
        elif isinstance(field, models.DateField):
            expressions.append("current_date")
        elif isinstance(field, (models.CharField, models.TextField, models.FileField)):
            expressions.append("''")
        elif isinstance(field, models.BooleanField):
            expressions.append("false")
        elif isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
            expressions.append("0")
        else:
            raise SystemExit(f"{model.__name__}.{field.name}: no value for this column")
        columns.append(field.column)
    unknown = set(values) - {f.column for f in model._meta.concrete_fields}
    if unknown:
        raise SystemExit(f"{model.__name__}: no column {sorted(unknown)}")
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    return cursor.rowcount


def has_field(model, name):
    return any(field.name == name for field in model._meta.concrete_fields)


def step(label, function, *args):
    """One step of the build, committed with its mark: a build stopped half way (an error,
    a kill) resumes after the last step done."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {MARKER} WHERE step = %s", [label])
        if cursor.fetchone():
            print(f"  {label:44} {'done before':>10}")
            return None
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        rows = function(cursor, *args)
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, now())", [label])
    shown = f"{rows:,}" if isinstance(rows, int) else ""
    print(f"  {label:44} {shown:>10} {time.perf_counter() - start:7.1f} s", flush=True)
    return rows


def built():
    """When the whole build was done, or None."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (step text, done_at timestamptz)")
        cursor.execute(f"SELECT done_at FROM {MARKER} WHERE step = 'built'")
        done = cursor.fetchone()
        return done and done[0]


def build():
    """The region, made once: the reference rows with the ORM, the big tables in SQL."""
    from django.db import connection, transaction

    from coop.models import Cooperative, District, Region, User
    from coop.tenancy import unscoped
    from credit.models import Commitment, Complaint, CreditGrade
    from members.models import Member
    from standards import catalogue
    from standards.models import Indicator, Standard
    from testing_fund.models import Batch, Fund, Result, TestingInstitution

    print("building the region (kept in its database for later runs):")
    started = time.perf_counter()
    step("standards catalogue", lambda cursor: catalogue.load())
    today = django.utils.timezone.localdate()
    with unscoped(), transaction.atomic():
        region, _ = Region.objects.get_or_create(
            slug="bench-region", defaults={"name_zh": "基准省", "division_code": "320000"}
        )
        districts = [
            District.objects.get_or_create(
                division_code=f"3206{n + 1:02d}",
                defaults={"region": region, "name_zh": f"{CITIES[n]}区"},
            )[0]
            for n in range(10)
        ]
        cooperatives = []
        for n in range(COOPERATIVES):
            cooperative, _ = Cooperative.objects.get_or_create(
                slug=f"region-{n}",
                defaults={
                    "code": f"RG{n}",
                    "name_zh": f"{CITIES[n % 10]}{TRADES[n % 8]}质量合作社{n}",
                    "region": region,
                    "district": districts[n % 10],
                    "industry": "家纺",
                    "established": date(2017, 6, 16),
                },
            )
            cooperative.districts.add(districts[n % 10])
            cooperatives.append(cooperative)
        lab, _ = TestingInstitution.objects.get_or_create(name_zh="基准省纺织品检验所")
        lab.cooperatives.set(cooperatives)
        for cooperative in cooperatives:
            for year in (today.year - 1, today.year):
                Fund.objects.get_or_create(cooperative=cooperative, year=year)
        User.objects.get_or_create(
            username="region-supervisor", defaults={"role": "region_supervisor", "region": region}
        )
        User.objects.get_or_create(
            username="region-admin", defaults={"role": "coop_admin", "cooperative": cooperatives[0]}
        )
        standard = Standard.objects.get(code="GB 18401-2010").pk
        indicators = list(
            Indicator.objects.filter(
                code__in=["formaldehyde", "ph", "fastness-water", "fastness-acid-perspiration"]
            )
            .order_by("code")
            .values_list("pk", flat=True)
        )
    coops = [c.pk for c in cooperatives]
    district_of = [c.district_id for c in cooperatives]
    others = len(coops) - 1
    per_other = (MEMBERS - BIG_MEMBERS) // others
    # Members: the big cooperative's 20,000 first, then about 10,005 for each other one;
    # inserted in order, so each cooperative's ids are consecutive.
    step(
        "members",
        insert_select,
        Member,
        {
            "cooperative_id": "(ARRAY%s)[c + 1]" % coops,
            "district_id": "(ARRAY%s)[c + 1]" % district_of,
            "name": f"({sql_array(CITIES)})[1 + g % {len(CITIES)}]"
            f" || ({sql_array(WORDS)})[1 + (g / 11) % {len(WORDS)}]"
            f" || ({sql_array(WORDS)})[1 + (g / 165) % {len(WORDS)}]"
            f" || ({sql_array(TRADES)})[1 + (g / 2475) % {len(TRADES)}]"
            " || '有限公司' || (g % 97)",
            "uscc": "'91' || lpad(g::text, 16, '0')",
            "status": "CASE WHEN g % 50 = 7 THEN 'suspended' WHEN g % 50 = 9 THEN 'exited'"
            " WHEN g % 200 = 11 THEN 'applied' ELSE 'active' END",
            "town": f"({sql_array(CITIES)})[1 + g % 7] || '镇'",
            "main_products": f"({sql_array(PRODUCTS)})[1 + g % {len(PRODUCTS)}]",
            "joined_on": "DATE '2018-01-01' + (g % 2500)",
            "created_at": "now()",
        },
        f"(SELECT g, CASE WHEN g < {BIG_MEMBERS} THEN 0 ELSE"
        f" 1 + least((g - {BIG_MEMBERS}) / {per_other}, {others - 1}) END AS c"
        f" FROM generate_series(0, {MEMBERS - 1}) g) s",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT cooperative_id, min(id), count(*) FROM members_member GROUP BY 1")
        ranges = {coop: (first, count) for coop, first, count in cursor.fetchall()}
    firsts = [ranges[c][0] for c in coops]
    counts = [ranges[c][1] for c in coops]
    # Batches: the big cooperative's 20,000 (one per member), 10,000 for each other one,
    # reported over the last year, 1 in 40 failing; 1 in 1,000 still requested.
    per_coop_batches = (BATCHES - BIG_MEMBERS) // others
    source = (
        f"(SELECT g, c, (ARRAY{firsts})[c + 1] + (g::bigint * 7919) % (ARRAY{counts})[c + 1] AS m,"
        f" current_date - ((g * 37) % 365) AS d"
        f" FROM (SELECT g, CASE WHEN g < {BIG_MEMBERS} THEN 0"
        f" ELSE 1 + (g - {BIG_MEMBERS}) / {per_coop_batches} END AS c"
        f" FROM generate_series(0, {BATCHES - 1}) g) n) s"
        f" JOIN testing_fund_fund f ON f.cooperative_id = (ARRAY{coops})[s.c + 1]"
        f" AND f.year = extract(year FROM s.d)::int"
    )
    open_batch = "g % 1000 = 999"
    step(
        "batches",
        insert_select,
        Batch,
        {
            "cooperative_id": f"(ARRAY{coops})[c + 1]",
            "member_id": "m",
            "fund_id": "f.id",
            "kind": "CASE WHEN g % 10 = 3 THEN 'supervisory' ELSE 'request' END",
            "status": f"CASE WHEN {open_batch} THEN 'requested' ELSE 'closed' END",
            "product": f"({sql_array(PRODUCTS)})[1 + g % {len(PRODUCTS)}]",
            "safety_category": "'B'",
            "standard_id": str(standard),
            "lab_id": str(lab.pk),
            "delivery": "'delivery'",
            "cost": "300",
            "requested_at": "d - 12 + time '09:30' + (g % 600) * interval '1 second'",
            "reported_on": f"CASE WHEN {open_batch} THEN NULL ELSE d END",
            "passed": f"CASE WHEN {open_batch} THEN NULL ELSE g % 40 <> 0 END",
        },
        source,
    )
    # Three results a reported batch (the first indicator fails where the batch did), a
    # fourth for 1 in 20: 3.08 M.
    for position, indicator in enumerate(indicators):
        fails = "NOT b.passed" if position == 0 else "false"
        where = "b.reported_on IS NOT NULL" + (" AND b.id % 20 = 0" if position == 3 else "")
        step(
            f"results, indicator {position + 1}",
            insert_select,
            Result,
            {
                "cooperative_id": "b.cooperative_id",
                "batch_id": "b.id",
                "indicator_id": str(indicator),
                "price": "100",
                "raw": "'1'",
                "reported_on": "b.reported_on",
                "verdict": f"CASE WHEN {fails} THEN 'fail' ELSE 'pass' END",
            },
            f"testing_fund_batch b WHERE {where}",
        )
    # Commitments: 1,000 for each cooperative, published and in force, two products each.
    step(
        "commitments",
        insert_select,
        Commitment,
        {
            "cooperative_id": f"(ARRAY{coops})[c + 1]",
            "member_id": f"(ARRAY{firsts})[c + 1] + (g * 13) % (ARRAY{counts})[c + 1]",
            "status": "'published'",
            "products": f"({sql_array(PRODUCTS)})[1 + g % {len(PRODUCTS)}] || '、' ||"
            f" ({sql_array(PRODUCTS)})[1 + (g / 10 + 3) % {len(PRODUCTS)}]",
            "standards": "'GB 18401-2010'",
            "guarantees": "'七天无理由退换，质量问题包赔。'",
            "valid_from": "current_date - (g % 300)",
            "valid_until": "current_date - (g % 300) + 730",
            "published_at": "current_date - (g % 300) + time '10:00'",
            "created_at": "current_date - (g % 300) - 3 + time '10:00'",
        },
        f"(SELECT g, g % {len(coops)} AS c FROM generate_series(0, {COMMITMENTS - 1}) g) s",
    )
    # A current grade for every member, and the grade before it for 1 in 10.
    latest = {"latest": "true"} if has_field(CreditGrade, "latest") else {}
    grade = (
        "CASE WHEN h < 10 THEN 'AAA' WHEN h < 40 THEN 'AA' WHEN h < 80 THEN 'A'"
        " WHEN h < 95 THEN 'B' WHEN h < 99 THEN 'C' ELSE 'D' END"
    )
    for label, where, since, until, flags in (
        ("credit grades, current", "true", "current_date - 100", "current_date + 265", latest),
        (
            "credit grades, the ones before",
            "m.id % 10 = 0",
            "current_date - 465",
            "current_date - 101",
            {key: "false" for key in latest},
        ),
    ):
        step(
            label,
            insert_select,
            CreditGrade,
            {
                "cooperative_id": "m.cooperative_id",
                "member_id": "m.id",
                "grade": grade,
                "computed_grade": grade,
                "score": "95 - h * 0.5",
                "valid_from": since,
                "valid_until": until,
                "computed_at": f"{since} + time '08:00'",
                **flags,
            },
            f"(SELECT *, (id * 7919) % 100 AS h FROM members_member) m WHERE {where}",
        )
    # Complaints: 1,000 about the big cooperative's members, 4,000 about the others'.
    step(
        "complaints",
        insert_select,
        Complaint,
        {
            "cooperative_id": f"(ARRAY{coops})[c + 1]",
            "member_id": f"(ARRAY{firsts})[c + 1] + (g * 31) % (ARRAY{counts})[c + 1]",
            "product": f"({sql_array(PRODUCTS)})[1 + g % {len(PRODUCTS)}]",
            "description": "'洗后起球，与标注不符。'",
            "contact": "'138' || lpad(g::text, 8, '0')",
            "tracking_code": "'TB' || lpad(g::text, 10, '0')",
            "received_at": "now() - (g % 400) * interval '1 day'",
            "status": "(ARRAY['received','triaged','answered','resolved'])[1 + g % 4]",
            "triage": "CASE WHEN g % 4 = 0 THEN 'pending'"
            " ELSE (ARRAY['valid','invalid','valid'])[1 + g % 3] END",
        },
        f"(SELECT g, CASE WHEN g < {BIG_COMPLAINTS} THEN 0 ELSE 1 + g % {others} END AS c"
        f" FROM generate_series(0, {COMPLAINTS - 1}) g) s",
    )
    vacuum()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {MARKER} VALUES ('built', now())")
    print(f"  built in {time.perf_counter() - started:.0f} s")


def vacuum():
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  {'VACUUM ANALYZE':44} {'':>10} {time.perf_counter() - start:7.1f} s")


def prepare():
    """The database migrated (a rerun applies the indexes others added since) and built."""
    from django.core.management import call_command

    ensure_database(DATABASE_URL)
    django.setup()
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    # The hashed names and their manifest, which the pages link, as a deployment has them;
    # with DEBUG on, without the compressed copies (minutes here, and the proxy compresses).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        check=True,
    )
    print(f"collectstatic: {time.perf_counter() - start:.1f} s", flush=True)
    done = built()
    if done:
        print(f"region built {done:%Y-%m-%d %H:%M}, kept")
    else:
        build()


def refresh_figures():
    """What the beat keeps up to date between requests in a deployment (the dashboard's
    figures, where they are kept), brought up to date as the beat would have: the data was
    written in SQL, which no signal sees."""
    try:
        from supervision import kept_figures
    except ImportError:
        return
    start = time.perf_counter()
    kept_figures.refresh_due()
    print(f"kept figures refreshed (the beat's sweep): {time.perf_counter() - start:.1f} s")


# Targets: a share of the trivial view's requests/s in the same run (issue 17).
PUBLIC, DASHBOARD, STAFF = 0.5, 0.1, 0.5


def cases():
    """(name, path, who, target, other) for each page and API list of the issue's table; who
    is None (anonymous), "supervisor" (session), "admin" (the big cooperative's
    administrator, session) or "admin-api" (its API token); other, for an anonymous page, the
    same page over half the data (a cooperative of 10,005 members, the registry's page 2),
    whose query count must be the same."""
    from django.db.models import Count

    from coop.tenancy import unscoped
    from credit.models import Commitment

    def most_committed(slug):
        # The public member page of the cooperative's member with the most commitments.
        with unscoped():
            return (
                Commitment.objects.filter(cooperative__slug=slug)
                .values("member_id")
                .annotate(n=Count("id"))
                .order_by("-n", "member_id")[0]["member_id"]
            )

    coop, api, small = f"/c/{BIG_SLUG}", f"/api/v1/coops/{BIG_SLUG}", "/c/region-1"
    member, other = most_committed(BIG_SLUG), most_committed("region-1")
    name, product = f"?q={NAME_QUERY}", f"?q={PRODUCT_QUERY}"
    return [
        ("public home", "/", None, PUBLIC, None),
        ("cooperative page", f"{coop}/", None, PUBLIC, f"{small}/"),
        ("member page", f"{coop}/directory/{member}/", None, PUBLIC, f"{small}/directory/{other}/"),
        ("registry", "/commitments/", None, PUBLIC, "/commitments/?page=2"),
        (f"registry {name}", f"/commitments/{name}", None, PUBLIC, f"/commitments/{name}&page=2"),
        (
            f"registry {product}",
            f"/commitments/{product}",
            None,
            PUBLIC,
            f"/commitments/{product}&page=2",
        ),
        ("credit list", f"{coop}/credit/", None, PUBLIC, f"{small}/credit/"),
        ("dashboard (supervisor)", "/dashboard/", "supervisor", DASHBOARD, None),
        ("batch list p1", f"{coop}/tests/", "admin", STAFF, None),
        ("batch list p300", f"{coop}/tests/?page=300", "admin", STAFF, None),
        ("batch API p1", f"{api}/batches/", "admin-api", STAFF, None),
        ("batch API p300", f"{api}/batches/?page=300", "admin-api", STAFF, None),
        ("member list", f"{coop}/members/", "admin", STAFF, None),
        ("member API", f"{api}/members/", "admin-api", STAFF, None),
        ("complaint list", f"{coop}/complaints/", "admin", STAFF, None),
        ("complaint API", f"{api}/complaints/", "admin-api", STAFF, None),
        ("commitment list", f"{coop}/commitments/", "admin", STAFF, None),
        ("commitment API", f"{api}/commitments/", "admin-api", STAFF, None),
    ]


def credentials():
    """HTTP headers of each visitor: a session (made here, kept in the database) for the
    pages, a fresh API token for the API; and a test client of each for the in-process look."""
    from django.conf import settings
    from django.test import Client
    from knox.models import AuthToken

    from coop.models import User

    supervisor = User.objects.get(username="region-supervisor")
    admin = User.objects.get(username="region-admin")
    AuthToken.objects.filter(user=admin).delete()  # one per run, not one more each run
    token = AuthToken.objects.create(user=admin)[1]
    headers, clients = {None: {}}, {None: Client()}
    for who, user in (("supervisor", supervisor), ("admin", admin)):
        client = Client()
        client.force_login(user)
        clients[who] = client
        headers[who] = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}="
            f"{client.cookies[settings.SESSION_COOKIE_NAME].value}"
        }
    headers["admin-api"] = {"Authorization": f"Token {token}"}
    clients["admin-api"] = Client(HTTP_AUTHORIZATION=f"Token {token}")
    return headers, clients


def look_in_process(client, path):
    """One request in this process (the cache off): status, queries, the slowest query
    (ms and its SQL) and the request's time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # the first request of a URL loads its code and templates
    times, looks = [], []
    for _ in range(3):  # the median of three: the machine is shared
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        looks.append(queries.captured_queries)
    captured = looks[times.index(statistics.median(times))]
    slowest = max(captured, key=lambda q: float(q["time"]), default=None)
    # What the query reads and how, not its list of columns.
    sql = slowest and re.sub(
        r"^SELECT .*? FROM ", "SELECT … FROM ", " ".join(slowest["sql"].split())
    )
    return {
        "status": response.status_code,
        "queries": len(captured),
        "slowest_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
        "slowest_sql": sql[:200] if sql else "",
        "ms": statistics.median(times),
    }


def serve(cache_seconds=None):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {**os.environ, **ENV}
    env.pop("PUBLIC_CACHE_SECONDS", None)  # the deployment's defaults
    env.pop("STAFF_CACHE_SECONDS", None)
    if cache_seconds is not None:
        env["PUBLIC_CACHE_SECONDS"] = env["STAFF_CACHE_SECONDS"] = str(cache_seconds)
    log = open(LOG, "a")  # closed with the server, in stop()
    server = subprocess.Popen(
        [gunicorn, "bench.wsgi_app", "--bind", f"127.0.0.1:{PORT}", "--workers", str(WORKERS)]
        + ["--log-level", "warning", "--timeout", "300"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server.log = log
    for _ in range(150):
        try:
            if get("/bench/trivial/", {})[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn did not start; see {LOG}")


def workers_peak_mb(server):
    """Each gunicorn worker's peak resident memory (VmHWM), in MB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [status_kb(int(pid), "VmHWM") / 1024 for pid in children]


def status_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def stop(server):
    server.terminate()
    server.wait()
    server.log.close()


def get(path, headers):
    """One GET, redirects not followed: (status, X-Public-Cache or X-Staff-Cache)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        state = response.getheader("X-Public-Cache") or response.getheader("X-Staff-Cache")
        return response.status, state or "-"
    finally:
        connection.close()


def seconds_of(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[unit]


def wrk(path, headers, seconds):
    """requests/s, p99 in ms and the count of answers that were not 2xx/3xx (or failed)."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "60s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(
        command + [f"http://127.0.0.1:{PORT}{quote(path)}"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad[1]) if bad else 0) + (sum(map(int, failed.groups())) if failed else 0)
    return rate, seconds_of(p99[1]) * 1000 if p99 else float("nan"), errors


def quote(path):
    from urllib.parse import quote as url_quote

    return url_quote(path, safe="/?=&")


def measure(server_label, rows, headers, options):
    """Each row against the trivial view, alternating, ``rounds`` times: one dict a row."""
    results = []
    for name, path, who, target, _other in rows:
        status, state = get(quote(path), headers[who])
        if status != 200:
            print(f"  {name}: answered {status}, not measured", flush=True)
            results.append({"name": name, "status": status})
            continue
        for _ in range(WORKERS * 2):  # every worker warm, the cache filled
            get(quote(path), headers[who])
        state = get(quote(path), headers[who])[1]
        trivial, page, shares, p99s, errors = [], [], [], [], 0
        for _ in range(options.rounds):
            # The trivial view with the visitor's own headers: the same middleware's work
            # (a session's or token's look-up included), so the share is the page's own cost.
            floor = wrk("/bench/trivial/", headers[who], options.seconds)[0]
            rate, p99, bad = wrk(path, headers[who], options.seconds)
            trivial.append(floor)
            page.append(rate)
            p99s.append(p99)
            shares.append(rate / floor)
            errors += bad
        row = {
            "name": name,
            "server": server_label,
            "anonymous": who is None,
            "status": status,
            "cache": state,
            "trivial": statistics.median(trivial),
            "rate": statistics.median(page),
            "p99": statistics.median(p99s),
            "share": statistics.median(shares),
            "low": min(shares),
            "high": max(shares),
            "errors": errors,
            "target": target,
        }
        results.append(row)
        print(
            f"  {name:30} {row['rate']:8.1f}/s p99 {row['p99']:8.1f} ms  trivial "
            f"{row['trivial']:7.1f}/s  share {row['share']:6.1%} "
            f"({row['low']:.1%}-{row['high']:.1%}) cache {state}"
            + (f"  {errors} errors" if errors else ""),
            flush=True,
        )
    return results


def pages(options):
    rows = [row for row in cases() if not options.only or any(o in row[0] for o in options.only)]
    headers, clients = credentials()
    print("\nin-process, the median of three requests each (test client, the caches off):")
    looks = {}
    for name, path, who, _target, other in rows:
        looks[name] = look = look_in_process(clients[who], quote(path))
        print(
            f"  {name:30} {look['status']} {look['queries']:3d} queries "
            f"{look['ms']:8.1f} ms, slowest {look['slowest_ms']:7.1f} ms: {look['slowest_sql']}",
            flush=True,
        )
        if other:
            # Uncached, the count must not grow with the data. A member page may differ by what
            # that member has to show (the limits of a failed indicator), not by its size.
            count = look_in_process(clients[who], quote(other))["queries"]
            same = "the same" if count == look["queries"] else "DIFFERS"
            print(f"  {'':30}     {count:3d} queries at {other} (half the data): {same}")
    # Uncached: every row but the dashboard's (whose tables are kept per set of figures).
    uncached = [row for row in rows if row[3] != DASHBOARD]
    results, memory = [], {}
    print(
        f"\ngunicorn {WORKERS} sync workers, DEBUG off, Redis cache; wrk -t2 -c16, "
        f"{options.rounds} rounds of {options.seconds} s, trivial view and page alternating; "
        "medians (spread of the share):"
    )
    for label, cache_seconds, measured in (
        ("cached", None, rows),
        ("uncached", 0, uncached),
    ):
        if not measured:
            continue
        seconds = "default" if cache_seconds is None else 0
        print(f" {label} (PUBLIC_CACHE_SECONDS and STAFF_CACHE_SECONDS {seconds}):")
        server = serve(cache_seconds)
        try:
            results += measure(label, measured, headers, options)
            memory[label] = workers_peak_mb(server)
        finally:
            stop(server)
    report(results, looks)
    return memory


def report(results, looks):
    """The table: each row's share of the trivial view asked with its own headers (the
    target's measure), and for reference of the anonymous trivial view (the median of the
    anonymous rows' floors on the same server), against which a staff page also pays for its
    session or token."""
    anonymous = {}
    for row in results:
        if "rate" in row and row["anonymous"]:
            anonymous.setdefault(row["server"], []).append(row["trivial"])
    print(
        f"\n{'page':30} {'server':8} {'req/s':>8} {'p99 ms':>8} {'share':>6} {'spread':>13}"
        f" {'vs anon':>7} {'queries':>7} {'slowest':>8} {'target':>6}  verdict"
    )
    for row in results:
        look = looks.get(row["name"], {})
        if "rate" not in row:
            print(f"{row['name']:30} answered {row['status']}: FAIL")
            continue
        uncached = row["server"] == "uncached"
        verdict = "" if uncached else ("PASS" if row["share"] >= row["target"] else "FAIL")
        if row["errors"]:
            verdict = f"{verdict} ({row['errors']} errors)"
        floors = anonymous.get(row["server"])
        versus = f"{row['rate'] / statistics.median(floors):7.1%}" if floors else f"{'':7}"
        print(
            f"{row['name']:30} {row['server']:8} {row['rate']:8.1f} {row['p99']:8.1f} "
            f"{row['share']:6.1%} {row['low']:6.1%}-{row['high']:6.1%} {versus} "
            f"{look.get('queries', 0):7d} {look.get('slowest_ms', 0):6.1f}ms "
            f"{'' if uncached else format(row['target'], '.0%'):>6}  {verdict}"
        )


def run_child(*args):
    """``region.py --child ...`` in a process of its own: its last line, as JSON."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        print(result.stderr[-3000:])
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def child(kind, size):
    """Round confirmation or statistics at a size, with bench/fund.py's own settings and
    databases, and this process's peak resident memory."""
    from bench import fund

    # bench/fund.py's settings (its database, tasks run in-process), but DEBUG off as a worker
    # runs: with DEBUG on, Django keeps a log of the queries, which the peak would count.
    os.environ.update(
        {
            "DATABASE_URL": fund.URL,
            "DJANGO_SETTINGS_MODULE": "coop.settings",
            "DEBUG": "0",
            "REDIS_URL": "",
        }
    )
    django.setup()
    if kind == "round":
        seconds, booked, confirming = fund.confirm_seconds(size)
        figures = {"seconds": seconds, "booked": booked, "confirming_mb": confirming}
    else:
        region, year, in_region, in_cooperative = fund.statistics_ms(size)
        figures = {
            "region_ms": region,
            "year_ms": year,
            "in_region": in_region,
            "in_cooperative": in_cooperative,
        }
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def growth(quick):
    """Round confirmation at 1 k, 10 k and 50 k members and the statistics at 100 k, 1 M and
    3 M batches (bench/fund.py's functions and databases), each size in a process of its own."""
    members = [1_000, 10_000] if quick else [1_000, 10_000, 50_000]
    batches = [100_000] if quick else [100_000, 1_000_000, 3_000_000]
    print("\ngrowth (bench/fund.py's databases; each size in a process of its own):")
    # Peak MB: the process's whole life (making the members, the preview) and the
    # confirmation alone (the high-water mark reset just before it).
    print(
        f"  {'confirm a round':24} {'seconds':>8} {'x smaller':>9} {'peak MB':>8}"
        f" {'confirming':>10}  target"
    )
    rounds, previous = {}, None
    for size in members:
        figures = run_child("round", size)
        if figures is None:
            print(f"  {size:>10,} members: failed")
            continue
        rounds[size] = figures
        ratio = f"{figures['seconds'] / previous:.1f}" if previous else ""
        target = ""
        if size == 10_000:
            target = "< 3 s " + ("PASS" if figures["seconds"] < 3 else "FAIL")
        if size == 50_000 and 10_000 in rounds:
            limit = 5 * rounds[10_000]["seconds"]
            target = f"< {limit:.2f} s " + ("PASS" if figures["seconds"] < limit else "FAIL")
        print(
            f"  {size:>16,} members {figures['seconds']:8.2f} {ratio:>9} "
            f"{figures['peak_mb']:8.0f} {figures['confirming_mb']:10.0f}  {target}",
            flush=True,
        )
        previous = figures["seconds"]
    print(
        f"  {'statistics at':16} {'region ms':>10} {'x smaller':>9} {'coop year ms':>12}"
        f" {'x smaller':>9}  target (< 150 ms, < 20 ms at 3 M)"
    )
    previous = None
    for size in batches:
        figures = run_child("stats", size)
        if figures is None:
            print(f"  {size:>10,} batches: failed")
            continue
        ratios = (
            (
                f"{figures['region_ms'] / previous['region_ms']:.1f}",
                f"{figures['year_ms'] / previous['year_ms']:.1f}",
            )
            if previous
            else ("", "")
        )
        target = ""
        if size == 3_000_000:
            fine = figures["region_ms"] < 150 and figures["year_ms"] < 20
            target = "PASS" if fine else "FAIL"
        print(
            f"  {size:>16,} batches {figures['region_ms']:10.1f} {ratios[0]:>9} "
            f"{figures['year_ms']:12.1f} {ratios[1]:>9}  {target}",
            flush=True,
        )
        previous = figures
    return rounds


def celery_peak_mb():
    """A real Celery worker (solo pool) builds the big cooperative's annual report: its peak
    resident memory afterwards, and the task's seconds."""
    from coop.models import AnnualReport, Cooperative
    from coop.tenancy import unscoped
    from supervision.tasks import build_annual_report

    queue = f"bench-region-{os.getpid()}"
    log = open(Path(tempfile.gettempdir()) / "bench-region-celery.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "coop", "worker", "--pool", "solo", "-Q", queue]
        + ["-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        + ["-l", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with unscoped():
            cooperative = Cooperative.objects.get(slug=BIG_SLUG)
            report = AnnualReport.objects.create(
                cooperative=cooperative, year=django.utils.timezone.localdate().year
            )
        start = time.perf_counter()
        build_annual_report.apply_async((cooperative.pk, report.pk), queue=queue)
        status = None
        while time.perf_counter() - start < 600 and worker.poll() is None:
            with unscoped():
                status = AnnualReport.objects.get(pk=report.pk).status
            if status in (AnnualReport.Status.DONE, AnnualReport.Status.FAILED):
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        peak = status_kb(worker.pid, "VmHWM") / 1024 if worker.poll() is None else None
        with unscoped():
            AnnualReport.objects.filter(pk=report.pk).delete()
        return peak, seconds, status
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, 15)
            worker.wait()
        log.close()


def memory(servers, rounds):
    from bench.memory import peak_annual_report, peak_export_members

    year = django.utils.timezone.localdate().year
    print("\npeak resident memory (VmHWM; target < 300 MB per worker):")
    lines = []
    for label, peaks in servers.items():
        for n, peak in enumerate(peaks, 1):
            lines.append((f"gunicorn worker {n}, {label} server, after its runs", peak, ""))
    peak, seconds, status = celery_peak_mb()
    lines.append(
        (f"Celery worker (solo) after the annual report ({status})", peak, f"{seconds:.1f} s")
    )
    for label, job in (
        (
            f"export {BIG_MEMBERS:,} members to XLSX (staff page)",
            lambda: peak_export_members(BIG_SLUG, "region-admin"),
        ),
        (
            "annual report of the big cooperative (task body)",
            lambda: peak_annual_report(BIG_SLUG, year),
        ),
    ):
        try:
            figures = job()
            lines.append(
                (
                    label,
                    figures["peak_mb"],
                    f"{figures['seconds']:.1f} s, +{figures['growth_mb']:.0f} MB over warm",
                )
            )
        except Exception as error:  # noqa: BLE001 - print and go on to the next
            lines.append((label, None, f"failed: {str(error)[-300:]}"))
    if 50_000 in rounds:
        lines.append(
            (
                "confirm the 50,000-member round (bench/fund.py)",
                rounds[50_000]["confirming_mb"],
                f"{rounds[50_000]['seconds']:.1f} s; the process, making its members and the"
                f" preview too: {rounds[50_000]['peak_mb']:.0f} MB",
            )
        )
    for label, peak, note in lines:
        shown = f"{peak:6.0f} MB" if peak is not None else "     ? MB"
        verdict = "" if peak is None else ("PASS" if peak < 300 else "FAIL")
        print(f"  {label:56} {shown}  {verdict:4}  {note}")


def main():
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2], int(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=[], help="rows whose name contains one")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 s, 1 round")
    parser.add_argument("--build-only", action="store_true")
    options = parser.parse_args()
    if options.quick:
        options.seconds, options.rounds = 2, 1
    if not shutil.which("wrk"):
        raise SystemExit("Install wrk (Debian package wrk) to run this benchmark.")
    prepare()
    if options.build_only:
        return
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host name
    refresh_figures()
    servers = pages(options)
    rounds = {} if options.skip_growth else growth(options.quick)
    if not options.skip_memory:
        memory(servers, rounds)


if __name__ == "__main__":
    main()

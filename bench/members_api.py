"""Benchmark: the member list endpoint against a plain .values() view of the same page, and
the certificate render time.

On 20,000 members with about 200,000 related rows (quality people, certifications, lifecycle
history), both served by gunicorn (DEBUG off, persistent database connections) and loaded
by wrk -t2 -c16 in the same run. Targets: the endpoint serves at least 60% of the plain
view's requests per second; a certificate renders in a median under 150 ms.

Usage: .venv/bin/python bench/members_api.py [--seconds 10] [--renders 40]
(needs PostgreSQL on DATABASE_URL's server and Debian's wrk)
"""

import argparse
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coop_portal_bench_20k"
)
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "REDIS_URL": "",
    "HTTPS": "0",  # plain http on the loopback: no redirect to https
}
os.environ.update(ENV)
MEMBERS = 20_000
PORT = 8765

import django  # noqa: E402

from bench.database import analyze, ensure_database  # noqa: E402


def seed():
    """20,000 members and ~200,000 related rows, made once and kept for later runs."""
    from django.core.management import call_command

    from coop.models import Cooperative, District, Region, Role, StepEvent, User
    from coop.tenancy import unscoped
    from members.models import Certification, Member, QualityPerson
    from members.services.lifecycle import MEMBER
    from members.uscc import ALPHABET, check_character

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
    with unscoped():
        region, _ = Region.objects.get_or_create(
            slug="bench", defaults=dict(name_zh="基准市", division_code="320600")
        )
        district, _ = District.objects.get_or_create(
            division_code="320684", defaults=dict(region=region, name_zh="海门区")
        )
        cooperative, _ = Cooperative.objects.get_or_create(
            slug="bench",
            defaults=dict(
                code="BENCH",
                name_zh="基准合作社",
                region=region,
                district=district,
                industry="家纺",
                established=date(2017, 6, 16),
            ),
        )
        admin, created = User.objects.get_or_create(
            username="bench-admin", defaults=dict(role=Role.COOP_ADMIN, cooperative=cooperative)
        )
        if Member.objects.filter(cooperative=cooperative).count() >= MEMBERS:
            return cooperative, admin
        rng, owned = random.Random(1), dict(cooperative=cooperative)
        codes = set()
        while len(codes) < MEMBERS:
            body = "91320684" + "".join(rng.choices(ALPHABET, k=9))
            codes.add(body + check_character(body))
        members = Member.objects.bulk_create(
            [
                Member(
                    **owned,
                    name=f"南通{index:05d}家纺有限公司",
                    uscc=code,
                    district=district,
                    town=rng.choice(["三厂街道", "常乐镇", "悦来镇"]),
                    status="active",
                    joined_on=date(2020, 1, 1) + timedelta(days=index % 2000),
                )
                for index, code in enumerate(sorted(codes))
            ],
            batch_size=5000,
        )
        related = []
        for member in members:
            related += [
                QualityPerson(
                    **owned,
                    member=member,
                    role="cqo" if n == 0 else "specialist",
                    name="质量员",
                    appointed_on=member.joined_on,
                )
                for n in range(3)
            ]
            related += [
                Certification(
                    **owned,
                    member=member,
                    scheme="iso9001",
                    number=str(n),
                    body="CQC",
                    issued_on=date(2024, 1, 1),
                    expires_on=date(2027, 1, 1),
                )
                for n in range(rng.choice([1, 2]))
            ]
            for verb, source, target in (
                ("apply", "", "applied"),
                ("review", "applied", "under_review"),
                ("approve", "under_review", "approved"),
                ("activate", "approved", "active"),
                ("suspend", "active", "suspended"),
            ):
                event = MEMBER.event(member, verb, actor=admin, from_state=source)
                event.to_status = target  # a history made after the fact
                related.append(event)
        for model in (QualityPerson, Certification, StepEvent):
            model.objects.bulk_create(
                [row for row in related if isinstance(row, model)], batch_size=10000
            )
    return cooperative, admin


def count_rows(cooperative):
    from coop.models import StepEvent
    from coop.tenancy import unscoped
    from members.models import Certification, Member, QualityPerson

    with unscoped():
        members = Member.objects.filter(cooperative=cooperative).count()
        related = sum(
            model.objects.filter(cooperative=cooperative).count()
            for model in (QualityPerson, Certification)
        )
        related += StepEvent.objects.filter(cooperative=cooperative, workflow="member").count()
    return members, related


def serve(workers):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [
            gunicorn,
            "bench.wsgi_app",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
    )
    for _ in range(50):
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def wrk(path, token, seconds):
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{seconds}s",
            "-H",
            f"Authorization: Token {token}",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise SystemExit(f"{path} answered {errors[1]} errors:\n{result.stdout}")
    return rate


def certificate_render_times(cooperative, renders):
    from coop import documents
    from coop.models import Document
    from coop.tenancy import unscoped
    from members.models import Convention, ConventionSignature, Member
    from members.pdf import convention_certificate_html

    with unscoped():
        member = Member.objects.filter(cooperative=cooperative).first()
        convention = Convention(
            cooperative=cooperative, version=1, title="质量公约", adopted_on=date(2017, 6, 16)
        )
        signature = ConventionSignature(
            cooperative=cooperative,
            convention=convention,
            member=member,
            signer_name="陈建华",
            signer_position="法定代表人",
        )
        document = Document(cooperative=cooperative, number="BENCH-2026-00001", member=member)
        document.issued_at = django.utils.timezone.now()
        times = []
        for _ in range(renders + 3):
            start = time.perf_counter()
            documents.render_pdf(convention_certificate_html(document, signature))
            times.append((time.perf_counter() - start) * 1000)
    return times[3:]  # the first renders load fonts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2 cores here)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("Install wrk (Debian package wrk) to run this benchmark.")
    ensure_database(DATABASE_URL)
    django.setup()
    from knox.models import AuthToken

    started = time.perf_counter()
    cooperative, admin = seed()
    analyze()
    members, related = count_rows(cooperative)
    token = AuthToken.objects.create(user=admin)[1]
    print(
        f"data: {members} members, {related} related rows (ready in {time.perf_counter() - started:.0f} s)"
    )
    server = serve(options.workers)
    try:
        for path in ("/bench/coops/bench/members/", "/api/v1/coops/bench/members/"):
            wrk(path, token, 2)  # warm up both workers
        plain = wrk("/bench/coops/bench/members/", token, options.seconds)
        endpoint = wrk("/api/v1/coops/bench/members/", token, options.seconds)
    finally:
        server.terminate()
        server.wait()
    print(
        f"wrk -t2 -c16 -d{options.seconds}s, gunicorn {options.workers} workers, first page of 50:"
    )
    print(f"  plain .values() view     {plain:8.1f} requests/s")
    print(
        f"  member list endpoint     {endpoint:8.1f} requests/s   "
        f"{endpoint / plain:.0%} of plain (target >= 60%)"
    )
    times = certificate_render_times(cooperative, options.renders)
    print(
        f"certificate render: median {statistics.median(times):.1f} ms, "
        f"p95 {statistics.quantiles(times, n=20)[-1]:.1f} ms over {len(times)} renders "
        f"(target: median < 150 ms)"
    )


if __name__ == "__main__":
    main()

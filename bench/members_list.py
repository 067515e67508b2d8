"""Benchmark: the member list of the largest demo cooperative (550 members), API and page.

Prints, per request kind, the median and 95th-percentile time in milliseconds and the number
of SQL queries. Runs against PostgreSQL in its own database (created if missing), seeded with
the demo data. Usage: .venv/bin/python bench/members_list.py [--requests N]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coop_portal_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
os.environ["DEBUG"] = "1"  # the demo data refuses production settings

import django  # noqa: E402

from bench.database import analyze, ensure_database  # noqa: E402

CASES = [
    ("API, page 1 of 12", "/api/v1/coops/haimen-hometextile/members/"),
    ("API, page 11", "/api/v1/coops/haimen-hometextile/members/?page=11"),
    ("API, search 家纺", "/api/v1/coops/haimen-hometextile/members/?q=%E5%AE%B6%E7%BA%BA"),
    ("page, list page 1", "/c/haimen-hometextile/members/"),
    ("page, status filter", "/c/haimen-hometextile/members/?status=suspended"),
]


def measure(client, path, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return statistics.median(timings), p95, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    requests = parser.parse_args().requests
    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from knox.models import AuthToken

    from coop.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", members=550, stdout=open(os.devnull, "w"))
    analyze()
    setup_test_environment()
    admin = User.objects.get(username="haimen-admin")
    page_client = Client()
    page_client.force_login(admin)
    _, token = AuthToken.objects.create(user=admin)
    api_client = Client(HTTP_AUTHORIZATION=f"Token {token}")

    print(f"{requests} requests each, as haimen-admin, 551 members, PostgreSQL")
    print(f"{'request':24} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, path in CASES:
        client = api_client if path.startswith("/api/") else page_client
        measure(client, path, 5)  # warm up
        median, p95, queries = measure(client, path, requests)
        print(f"{label:24} {median:10.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()

"""The read replica (coop/db_routers.py) is opt-in: without DATABASE_REPLICA_URL the settings
are as before; with it, the public pages' and statistics' reads go to ``replica`` while who the
visitor is, writes and everything else stay on the primary. The settings are read once per
process, so each case runs in a fresh one, with the replica a second alias of this run's test
database (the same PostgreSQL)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import resolve

from coop import db_routers
from coop.models import User
from members.models import Member

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps([sorted(settings.DATABASES), settings.DATABASE_ROUTERS,
                  "coop.db_routers.ReplicaReadsMiddleware" in settings.MIDDLEWARE]))
"""

# Each request's queries as (alias, the first table the SQL names).
REQUESTS = """
import django, json, re
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
seen = []
def record(alias):
    def wrapper(execute, sql, params, many, context):
        table = re.search(r'(?:FROM|INTO|UPDATE) "([a-z_]+)"', sql)
        seen.append((alias, table.group(1) if table else sql[:20]))
        return execute(sql, params, many, context)
    return wrapper
for alias in connections:
    connections[alias].execute_wrappers.append(record(alias))
client, found = Client(), {}
for method, path in [("get", "/"), ("get", "/api/v1/public/search/?q=x"), ("post", "/")]:
    seen.clear()
    getattr(client, method)(path)
    found[f"{method} {path}"] = list(seen)
print(json.dumps(found))
"""


def run(script, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "DEBUG"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "coop.settings", "REDIS_URL": "", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_url_nothing_changes():
    databases, routers, middleware = run(SHOW)
    assert (databases, routers, middleware) == (["default"], [], False)
    databases, routers, middleware = run(SHOW, DATABASE_REPLICA_URL="postgres://h/replica")
    assert (databases, routers, middleware) == (
        ["default", "replica"],
        ["coop.db_routers.ReplicaRouter"],
        True,
    )


def test_with_a_replica_public_reads_go_to_it_and_the_rest_stays_on_the_primary(db):
    database = connection.settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the replica is a PostgreSQL one")
    user, password = (quote(database[key] or "", safe="") for key in ("USER", "PASSWORD"))
    url = (
        f"postgres://{user}:{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    # The public cache off, so the page's own queries run.
    env = {"DATABASE_URL": url, "PUBLIC_CACHE_SECONDS": "0"}
    without = run(REQUESTS, **env)
    with_replica = run(REQUESTS, **env, DATABASE_REPLICA_URL=url)
    assert {alias for queries in without.values() for alias, _ in queries} == {"default"}
    for page in ("get /", "get /api/v1/public/search/?q=x"):
        on_replica = {table for alias, table in with_replica[page] if alias == "replica"}
        assert on_replica, page  # the page's data
        # Who the visitor is, never from the replica.
        assert not on_replica & {"django_session", "coop_user", "knox_authtoken"}, page
        # The same queries as without the replica, only elsewhere.
        assert sorted(t for _, t in with_replica[page]) == sorted(t for _, t in without[page])
    assert {alias for alias, _ in with_replica["post /"]} <= {"default"}


def test_the_router_sends_only_marked_reads_outside_transactions_to_the_replica(
    transactional_db,
):
    router = db_routers.ReplicaRouter()
    assert router.db_for_read(Member) is None  # the primary, unless a request asks
    with db_routers.reads_on_replica():
        assert router.db_for_read(Member) == "replica"
        assert router.db_for_read(User) is None  # who the visitor is
        with transaction.atomic():  # about to write from what it reads
            assert router.db_for_read(Member) is None
    assert router.db_for_read(Member) is None
    assert router.db_for_write(Member) == "default"
    assert router.allow_migrate("replica", "members") is False
    assert router.allow_migrate("default", "members") is True


@pytest.mark.parametrize(
    "method, path, expected",
    [
        ("get", "/", True),  # a public page
        ("head", "/c/coop-a/", True),
        ("get", "/c/coop-a/statistics/", True),  # statistics, by name
        ("get", "/c/coop-a/members/", False),  # a staff list: read-your-writes
        ("post", "/", False),
    ],
)
def test_which_requests_read_from_the_replica(method, path, expected):
    request = getattr(RequestFactory(), method)(path)
    request.resolver_match = resolve(path)
    assert db_routers.reads_replica(request, request.resolver_match.func) is expected

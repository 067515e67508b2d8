"""Benchmark: the public member page's and the registry's throughput for anonymous visitors,
against a trivial view behind the same middleware, in the same run (issue 16, point 6).

gunicorn (the Dockerfile's 3 sync workers, DEBUG off, Redis as the cache) serves the demo's
data (``seed_demo``, 550 members in Haimen, seeded once into its own database); wrk -t2 -c16
loads one URL at a time, in rounds that take the trivial view, the member page and the registry
in turn, so the machine's other load touches all alike. Two servers: the portal as deployed
(anonymous public pages from the cache, ``coop/public_cache.py``) and, for reference, the cache
turned off (``PUBLIC_CACHE_SECONDS=0``), every request rendered.

Target: the member page and the registry each at least 0.5 of the trivial view's requests/s.
Usage: .venv/bin/python bench/public_pages.py [--seconds 5] [--rounds 3] [--workers 3]
(PostgreSQL on BENCH_PUBLIC_DATABASE_URL's server, Redis on BENCH_REDIS_URL, Debian's wrk)
"""

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_PUBLIC_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coop_portal_bench_public"
)
# A Redis database of the benchmark's own, so its cached pages stay apart.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "0",
    "HTTPS": "0",  # plain http on the loopback: no redirect to https
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
    # The demo's documents go to a folder of the run's, never into the checkout's media/.
    "MEDIA_ROOT": os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="bench-public-"),
}
os.environ.update(ENV)
PORT = 8767
LOG = Path(tempfile.gettempdir()) / "bench-public-pages-gunicorn.log"
TARGET = 0.5

import django  # noqa: E402

from bench.database import analyze, ensure_database  # noqa: E402


def seed():
    """The demo (550 members), made once and kept; the member page measured is the one of a
    member with the most commitments in force and test results, as the public looks it up."""
    from django.core.management import call_command
    from django.db.models import Count

    from coop.tenancy import unscoped
    from members.models import Member

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
    with unscoped():
        if not Member.objects.exists():
            call_command("seed_demo", members=550, force=True, stdout=open(os.devnull, "w"))
        member = (
            Member.objects.filter(status="active")
            .annotate(shown=Count("commitments", distinct=True) + Count("batches", distinct=True))
            .select_related("cooperative")
            .order_by("-shown", "pk")
            .first()
        )
        return f"/c/{member.cooperative.slug}/directory/{member.pk}/", member.name


def serve(workers, cache_seconds):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {**os.environ, **ENV, "PUBLIC_CACHE_SECONDS": str(cache_seconds)}
    log = open(LOG, "w")  # closed with the server, in stop()
    server = subprocess.Popen(
        [gunicorn, "bench.wsgi_app", "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers)]
        + ["--log-level", "warning", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server.log = log
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/trivial/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn did not start; see {LOG}")


def stop(server):
    server.terminate()
    server.wait()
    server.log.close()


def wrk(path, seconds):
    result = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise SystemExit(f"{path} answered {errors[1]} errors:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)[1])


def look(path):
    """One anonymous GET: the status and whether it came from the cache."""
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60) as response:
        return response.status, response.headers.get("X-Public-Cache", "-")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three URLs")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (Dockerfile: 3)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("Install wrk (Debian package wrk) to run this benchmark.")
    ensure_database(DATABASE_URL)
    django.setup()
    member_page, name = seed()
    analyze()
    urls = {
        "trivial view": "/bench/trivial/",
        f"member page ({name})": member_page,
        "registry, first page": "/commitments/",
    }
    print(
        f"gunicorn {options.workers} sync workers, DEBUG off, Redis cache; wrk -t2 -c16, "
        f"{options.rounds} rounds of {options.seconds} s per URL, anonymous; means:"
    )
    verdicts = []
    for label, cache_seconds in (("as deployed (cached)", 600), ("reference: cache off", 0)):
        server = serve(options.workers, cache_seconds)
        try:
            for path in urls.values():
                for _ in range(options.workers * 4):  # every worker warm; the cache filled
                    status, _ = look(path)
                    assert status == 200, (path, status)
            states = {path: look(path)[1] for path in urls.values()}
            rates = {path: [] for path in urls.values()}
            for _ in range(options.rounds):
                for path in urls.values():
                    rates[path].append(wrk(path, options.seconds))
        finally:
            stop(server)
        floor = statistics.mean(rates["/bench/trivial/"])
        print(f"  {label}")
        for title, path in urls.items():
            rate = statistics.mean(rates[path])
            spread = ", ".join(f"{r:.0f}" for r in rates[path])
            print(
                f"    {title:48} {rate:8.1f}/s  ({spread})  {rate / floor:5.2f} of trivial"
                f"  cache: {states[path]}"
            )
            if cache_seconds and path != "/bench/trivial/":
                verdicts.append((title, rate / floor))
    for title, ratio in verdicts:
        print(
            f"target: {title} >= {TARGET} of the trivial view: {ratio:.2f} "
            f"{'PASS' if ratio >= TARGET else 'FAIL'}"
        )


if __name__ == "__main__":
    main()

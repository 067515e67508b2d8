"""Benchmark: the public home page's throughput while 8 clients hammer a cooperative's standards
collection PDF, against the home page alone, on a real server.

gunicorn (the Dockerfile's 3 sync workers, DEBUG off, Redis as the cache) on 127.0.0.1 serves
the portal with a cooperative whose collection holds 60 standards (a booklet of 175 KiB).
Load comes from this script: 4 clients asking for the home page as fast as it answers, measured
alone and while 8 more clients ask for the booklet without pause, in alternating phases of a
few seconds (10 rounds of each by default, so that the machine's other load, which moves,
touches both alike; the spread of the rounds' ratios is printed). Three configurations:

- the booklet as the portal serves it, limited to PUBLIC_DOCUMENTS_PER_MINUTE per address
  (the hammering address is refused once over it);
- the booklet with the limit lifted, so every one of the 8 clients gets the PDF, from the cache;
- for reference, the booklet rendered on every request, as the public URL did before
  (``bench/urls.py``).

Target: with the booklet hammered, the home page keeps at least 80% of its throughput alone.
Usage: .venv/bin/python bench/public_documents.py [--seconds 3] [--rounds 10] [--workers 3]
(PostgreSQL on BENCH_DOCUMENTS_DATABASE_URL's server, Redis on BENCH_REDIS_URL; only 127.0.0.1)
"""

import argparse
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DOCUMENTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coop_portal_bench_documents"
)
# A Redis database of the benchmark's own, so its cached booklets and counts stay apart.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "0",
    "HTTPS": "0",  # plain http on the loopback: no redirect to https
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
PORT = 8766
LOG = Path(tempfile.gettempdir()) / "bench-public-documents-gunicorn.log"
SLUG = "bench-docs"
ENTRIES = 60
HAMMER_CLIENTS = 8
SETTLE_SECONDS = 3
TARGET = 0.8

import django  # noqa: E402

from bench.database import analyze, ensure_database  # noqa: E402


def seed():
    """A region of 5 cooperatives with 200 members each; the first collects 60 standards (the
    catalogue's 23 and 37 group standards of its own). Made once, kept for later runs."""
    from django.core.management import call_command

    from coop.models import Cooperative, District, Region
    from coop.tenancy import unscoped
    from members.models import Member
    from standards import catalogue
    from standards.models import CollectionEntry, Standard

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
    catalogue.load()
    with unscoped():
        region, _ = Region.objects.get_or_create(
            slug="bench-docs", defaults={"name_zh": "基准市", "division_code": "320600"}
        )
        district, _ = District.objects.get_or_create(
            division_code="320684", defaults={"region": region, "name_zh": "海门区"}
        )
        cooperatives = []
        for n in range(5):
            cooperative, _ = Cooperative.objects.get_or_create(
                slug=SLUG if n == 0 else f"{SLUG}-{n}",
                defaults={
                    "code": f"BD{n}",
                    "name_zh": f"基准家纺质量合作社{n}",
                    "region": region,
                    "district": district,
                    "industry": "家纺",
                    "established": date(2017, 6, 16),
                },
            )
            cooperatives.append(cooperative)
            if not Member.objects.filter(cooperative=cooperative).exists():
                Member.objects.bulk_create(
                    Member(
                        cooperative=cooperative,
                        name=f"基准{n}家纺{index:04d}有限公司",
                        uscc=f"BD{n}{index:015d}",
                        district=district,
                        town="三厂街道",
                        status="active",
                        joined_on=date(2020, 1, 1),
                    )
                    for index in range(200)
                )
        first = cooperatives[0]
        if not CollectionEntry.objects.filter(cooperative=first).exists():
            shared = list(Standard.objects.filter(cooperative=None).order_by("code"))
            owned = [
                Standard.objects.create(
                    cooperative=first,
                    code=f"T/BDJF {index:03d}-2024",
                    level="group",
                    title_zh=f"基准家纺 第{index}部分：床上用品及家居纺织品质量要求",
                    issuing_body="基准家纺商会",
                    implemented_on=date(2024, 6, 1),
                )
                for index in range(1, ENTRIES - len(shared) + 1)
            ]
            CollectionEntry.objects.bulk_create(
                CollectionEntry(
                    cooperative=first,
                    standard=standard,
                    section="团体标准" if standard.cooperative_id else "国家与行业标准",
                    position=position,
                )
                for position, standard in enumerate(shared + owned)
            )
        return CollectionEntry.objects.filter(cooperative=first).count()


def serve(workers, per_minute):
    """gunicorn on the loopback; its log (a warning per refused request) goes to a file."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {**os.environ, **ENV, "PUBLIC_DOCUMENTS_PER_MINUTE": str(per_minute)}
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
            if get("/")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn did not start; see {LOG}")


def stop(server):
    server.terminate()
    server.wait()
    server.log.close()


def get(path):
    """One GET on a new connection (gunicorn's sync workers close each one): status, bytes.
    Plain sockets rather than http.client, whose header parsing made each request cost the
    client a third of a millisecond of the two cores it shares with the server."""
    with socket.create_connection(("127.0.0.1", PORT), timeout=60) as connection:
        connection.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        received = []
        while chunk := connection.recv(1 << 16):
            received.append(chunk)
    response = b"".join(received)
    return int(response[9:12]), len(response)  # "HTTP/1.1 200 OK…"


def load(path, clients, seconds, results):
    """``clients`` threads asking for ``path`` without pause for ``seconds``; the count of each
    status goes to ``results`` (a queue: this runs in a process of its own, so the hammering
    clients' Python does not share a GIL with the measured ones), with the CPU seconds this
    process used: the load shares the server's cores, and this says how much it took."""
    counts, lock = Counter(), threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            try:
                status = get(path)[0]
            except OSError:
                status = "error"
            with lock:
                counts[status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts["cpu"] = time.process_time()
    results.put((path, dict(counts)))


def phase(seconds, home_clients, hammer=None):
    """Home page requests per second over ``seconds``, with 8 clients on ``hammer`` if given;
    also what the hammering clients got, and the CPU seconds they used."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = []
    if hammer:
        # Started first and stopped last, so it runs through the whole measured window.
        processes.append(
            context.Process(target=load, args=(hammer, HAMMER_CLIENTS, seconds + 1, results))
        )
        processes[-1].start()
        time.sleep(0.5)
    processes.append(context.Process(target=load, args=("/", home_clients, seconds, results)))
    processes[-1].start()
    outcome = dict(results.get() for _ in processes)
    for process in processes:
        process.join()
    home = outcome["/"]
    home.pop("cpu")
    if set(home) != {200}:
        raise SystemExit(f"the home page answered {home}")
    got = outcome.get(hammer, {"cpu": 0})
    return home[200] / seconds, got.pop("cpu"), got


def render_times(renders=5):
    """The booklet's render time in this process, as a request paid it before the cache."""
    from coop import documents
    from coop.models import Cooperative
    from coop.tenancy import scope
    from standards.views import booklet_html

    cooperative = Cooperative.objects.get(slug=SLUG)
    times, size = [], 0
    with scope({cooperative.pk}):
        for _ in range(renders + 1):
            start = time.perf_counter()
            size = len(documents.render_pdf(booklet_html(cooperative)))
            times.append(time.perf_counter() - start)
    return statistics.median(times[1:]), size  # the first render loads the fonts


def forget_counts():
    """The hammering address's window from an earlier run, so each server starts at zero."""
    from django.core.cache import cache

    cache.delete("throttle:public-document:127.0.0.1")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=3, help="length of each phase")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (Dockerfile: 3)")
    parser.add_argument("--rounds", type=int, default=10, help="alone and hammered phases each")
    parser.add_argument("--home-clients", type=int, default=4, help="clients on the home page")
    options = parser.parse_args()
    ensure_database(DATABASE_URL)
    django.setup()
    from django.conf import settings

    entries = seed()
    analyze()
    render, size = render_times()
    print(
        f"booklet: {entries} standards, {size / 1024:.0f} KiB, rendered in {render:.2f} s "
        f"(median of 5, in-process)"
    )
    pdf = f"/c/{SLUG}/collection.pdf"
    rows = []
    for label, per_minute, hammer in (
        (
            f"booklet, limited to {settings.PUBLIC_DOCUMENTS_PER_MINUTE}/min per address",
            settings.PUBLIC_DOCUMENTS_PER_MINUTE,
            pdf,
        ),
        ("booklet, limit lifted: every request served from the cache", 10**9, pdf),
        (
            "reference: rendered on every request (before)",
            10**9,
            f"/bench/coops/{SLUG}/collection-uncached.pdf",
        ),
    ):
        forget_counts()
        server = serve(options.workers, per_minute)
        alone, hammered, got, cpu = [], [], Counter(), 0
        try:
            get(pdf)  # the first request makes this version; the phases measure what follows
            for _ in range(20):
                get("/")
            # Alone and hammered in turns, so a change in the machine's other load touches both.
            for _ in range(options.rounds):
                alone.append(phase(options.seconds, options.home_clients)[0])
                rate, seconds, statuses = phase(options.seconds, options.home_clients, hammer)
                hammered.append(rate)
                got.update(statuses)
                cpu += seconds
                time.sleep(SETTLE_SECONDS)  # renders still running end before the next phase
        finally:
            stop(server)
        hammering = options.rounds * (options.seconds + 1)
        rounds = sorted(h / a for a, h in zip(alone, hammered, strict=True))
        rows.append(
            (
                label,
                statistics.mean(alone),
                statistics.mean(hammered),
                f"{rounds[0]:.0%}–{rounds[-1]:.0%}",
                got,
                cpu / hammering,
            )
        )
    print(
        f"gunicorn {options.workers} sync workers; {options.home_clients} clients on the home "
        "page and "
        f"{HAMMER_CLIENTS} hammering; {options.rounds} rounds of "
        f"{options.seconds} s alone and {options.seconds} s hammered, means:"
    )
    print(
        f"  {'hammered URL':60} {'home alone':>11} {'hammered':>9} {'ratio':>6} "
        f"{'(rounds)':>10}  hammer got (its own CPU)"
    )
    for label, alone, hammered, spread, got, cpu in rows:
        statuses = ", ".join(
            f"{count} × {status}" for status, count in sorted(got.items(), key=str)
        )
        print(
            f"  {label:60} {alone:9.1f}/s {hammered:7.1f}/s {hammered / alone:6.0%} "
            f"{spread:>10}  {statuses} ({cpu:.0%} of a core)"
        )
    limited, cached = (row[2] / row[1] for row in rows[:2])
    print(
        f"target: the home page hammered keeps >= {TARGET:.0%} of its rate alone: "
        f"as deployed (limited) {limited:.0%}, {'met' if limited >= TARGET else 'NOT met'}; "
        f"from the cache with no limit {cached:.0%}"
    )


if __name__ == "__main__":
    main()

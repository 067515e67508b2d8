"""Benchmark: the longest task (the annual report), and how long a test report whose worker
was killed with SIGKILL takes to be issued by the next worker.

The first number is what the visibility timeout (coop/settings.py, TASK_VISIBILITY_TIMEOUT)
must stay above; the second is what the timeout buys: a lost task is redone after about the
timeout plus one look (TASK_RESTORE_SECONDS). The workers are real ``celery worker``
processes; tests/worker_hooks.py, loaded into them alone, stops the first render long enough
to kill the worker there. The reports are those of the demo's history batches, which have
none yet.

Usage: .venv/bin/python bench/lost_task.py [--kills 3] [--visibility 300] [--restore 30]
       [--reports 3] [--cooperatives 10]
(PostgreSQL on BENCH_TASKS_DATABASE_URL's server, Redis on REDIS_URL). Pointed at
bench/fund.py's database with --kills 0, it times the annual report at 10,000 batches a year.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
URL = os.environ.get(
    "BENCH_TASKS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coop_portal_bench_tasks"
)
os.environ.update(
    {
        "DATABASE_URL": URL,
        "DJANGO_SETTINGS_MODULE": "coop.settings",
        "DEBUG": "1",  # the demo data refuses production settings
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="bench-tasks-"),
    }
)
QUEUE = f"bench-lost-task-{os.getpid()}"

import django  # noqa: E402

from bench.database import ensure_database  # noqa: E402


def time_annual_reports(repeat, limit):
    from coop.models import AnnualReport, Cooperative
    from coop.tenancy import scope, unscoped
    from supervision import reports
    from testing_fund.models import Batch

    with unscoped():
        cooperatives = list(Cooperative.objects.order_by("pk")[:limit])
    print("annual report, built in-process (the longest task)")
    print(f"{'cooperative':30} {'batches':>8} {'median s':>9} {'max s':>7}")
    longest = 0
    for cooperative in cooperatives:
        with scope({cooperative.pk}):
            count = Batch.objects.count()
            times = []
            for _ in range(repeat):
                report = AnnualReport.objects.create(cooperative=cooperative, year=2026)
                start = time.perf_counter()
                reports.build(report)
                times.append(time.perf_counter() - start)
        longest = max(longest, max(times))
        print(f"{cooperative.slug:30} {count:8d} {statistics.median(times):9.2f} {max(times):7.2f}")
    return longest


def start_worker(env, n):
    log = open(Path(env["COOP_TEST_RENDER_MARK"]).with_suffix(f".worker{n}.log"), "wb")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "coop", "worker", "-I", "tests.worker_hooks"]
        + ["-Q", QUEUE, "-n", f"bench{n}-{os.getpid()}@%h", "--pool", "solo"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def kill_and_recover(batch, visibility, restore, workdir):
    """Send the batch's report, SIGKILL the worker rendering it, start another: seconds from
    the kill until the report is issued."""
    from coop.models import Document
    from coop.tenancy import unscoped
    from testing_fund.reports import issue_test_report

    mark = workdir / f"rendering-{batch.pk}"
    env = {
        **os.environ,
        "TASK_VISIBILITY_TIMEOUT": str(visibility),
        "TASK_RESTORE_SECONDS": str(restore),
        "COOP_TEST_RENDER_MARK": str(mark),
        "COOP_TEST_RUN": QUEUE,
    }
    first = start_worker(env, 1)
    second = None
    try:
        issue_test_report.apply_async((batch.cooperative_id, batch.pk), queue=QUEUE)
        began = time.monotonic() + 60
        while not (mark.exists() and mark.read_text()):
            if first.poll() is not None or time.monotonic() > began:
                raise SystemExit(f"the first worker did not begin rendering: see {workdir}")
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed = time.monotonic()
        second = start_worker(env, 2)
        deadline = killed + visibility + 2 * restore + 120
        while time.monotonic() < deadline:
            with unscoped():
                done = Document.objects.filter(kind="test_report", source_id=batch.pk).first()
            if done is not None and done.file:
                return time.monotonic() - killed
            time.sleep(0.2)
        raise SystemExit(f"batch {batch.pk}: no report {deadline - killed:.0f} s after the kill")
    finally:
        stop(first)
        if second is not None:
            stop(second)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--visibility", type=int, default=300)
    parser.add_argument("--restore", type=int, default=30)
    parser.add_argument("--reports", type=int, default=3, help="annual reports per cooperative")
    parser.add_argument("--cooperatives", type=int, default=10, help="the first N cooperatives")
    options = parser.parse_args()
    ensure_database(URL)
    django.setup()
    from django.core.management import call_command

    from coop.celery import app
    from coop.models import Cooperative, Document
    from coop.tenancy import unscoped
    from testing_fund.models import Batch

    call_command("migrate", verbosity=0)
    with unscoped():
        if not Cooperative.objects.exists():
            call_command("seed_demo", members=550, stdout=open(os.devnull, "w"))
    longest = time_annual_reports(options.reports, options.cooperatives)
    print(f"longest task: {longest:.2f} s; visibility timeout {options.visibility} s")
    if not options.kills:
        return
    with unscoped():
        reported = set(
            Document.objects.filter(kind="test_report").values_list("source_id", flat=True)
        )
        lacking = [
            batch
            for batch in Batch.objects.filter(status="closed", reported_on__isnull=False).order_by(
                "-pk"
            )[:200]
            if batch.pk not in reported
        ][: options.kills]
    print(
        f"\na test report's worker killed with SIGKILL mid-render, a second worker started "
        f"(visibility timeout {options.visibility} s, a look every {options.restore} s)"
    )
    seconds = []
    with tempfile.TemporaryDirectory(prefix="bench-lost-task-") as workdir:
        for batch in lacking:
            seconds.append(
                kill_and_recover(batch, options.visibility, options.restore, Path(workdir))
            )
            print(f"batch {batch.pk}: issued {seconds[-1]:.1f} s after the kill")
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)
    print(f"median {statistics.median(seconds):.1f} s, max {max(seconds):.1f} s")


if __name__ == "__main__":
    main()

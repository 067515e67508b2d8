"""Peak resident memory of the heavy one-off jobs: a cooperative's member export to XLSX and
its annual report, each measured in a child process of its own.

A process's peak resident set (Linux's VmHWM) never goes down, so each job runs in a fresh
interpreter: Django set up and warmed by one small request (as a worker is after its first),
then the job. What it prints is the worker's whole peak (the figure the 300 MB per worker target
of issue 17 is about) and how much of it the job added over the warmed process.

Use from another benchmark, on the database and settings in ``os.environ`` (or ``env``):

    from bench.memory import peak_export_members, peak_annual_report
    peak_export_members("haimen-hometextile", "haimen-admin")
    # {'peak_mb': 98.1, 'baseline_mb': 92.4, 'growth_mb': 5.7, 'bytes': 2190412, 'seconds': 6.2, ...}
    peak_annual_report("haimen-hometextile", 2026)

or at the shell: ``.venv/bin/python bench/memory.py export-members SLUG USERNAME`` and
``.venv/bin/python bench/memory.py annual-report SLUG YEAR``.
The annual report is built into a temporary MEDIA_ROOT and its row deleted afterwards.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def status_kb(field):
    """A figure of this process from /proc/self/status, in kB (VmHWM: the peak resident set)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _child(*args, env=None):
    environment = {**os.environ, **(env or {})}
    environment.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *map(str, args)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-4000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def peak_export_members(cooperative_slug, user, query="", env=None):
    """The peak memory of a process exporting the cooperative's member list to XLSX through
    the staff page's URL, as ``user`` (a username, or a User) would download it; ``query``
    filters it as the list does (``"town=常乐镇"``), by default the whole list."""
    username = getattr(user, "username", user)
    return _child("export-members", cooperative_slug, username, query, env=env)


def peak_annual_report(cooperative_slug, year, env=None):
    """The peak memory of a process building the cooperative's annual report for ``year``
    (the Celery task's body, run in this process)."""
    return _child("annual-report", cooperative_slug, year, env=env)


def _figures(baseline_kb, started, **more):
    peak_kb = status_kb("VmHWM")
    return {
        "peak_mb": round(peak_kb / 1024, 1),
        "baseline_mb": round(baseline_kb / 1024, 1),
        "growth_mb": round((peak_kb - baseline_kb) / 1024, 1),
        "seconds": round(time.monotonic() - started, 2),
        **more,
    }


def _export_members(slug, username, query=""):
    from django.db import connection
    from django.test import Client

    from coop.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    # secure: as the proxy passes requests on (https), so DEBUG=0 does not redirect.
    warm = client.get(f"/c/{slug}/members/", secure=True)  # URLconf, middleware, templates
    assert warm.status_code == 200, warm.status_code
    baseline_kb, started = status_kb("VmHWM"), time.monotonic()
    connection.queries_log.clear()
    response = client.get(f"/c/{slug}/members/export.xlsx?{query}", secure=True)
    assert response.status_code == 200, response.status_code
    size = 0
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:  # read as a client would, so a streamed file is read to its end
        size += len(chunk)
    response.close()
    return _figures(baseline_kb, started, bytes=size, streamed=response.streaming)


def _annual_report(slug, year):
    from coop.models import AnnualReport, Cooperative
    from coop.tenancy import unscoped
    from supervision.tasks import build_annual_report

    with unscoped():
        cooperative = Cooperative.objects.get(slug=slug)
        report = AnnualReport.objects.create(cooperative=cooperative, year=int(year))
    try:
        baseline_kb, started = status_kb("VmHWM"), time.monotonic()
        name = build_annual_report(cooperative.pk, report.pk)
        return _figures(baseline_kb, started, file=name)
    finally:
        with unscoped():
            AnnualReport.objects.filter(pk=report.pk).delete()


def main(job, *args):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
    with tempfile.TemporaryDirectory() as media:
        os.environ["MEDIA_ROOT"] = media  # the report's PDF goes nowhere it stays
        import django

        django.setup()
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the test client's host name; DEBUG off (no query log)
        run = {"export-members": _export_members, "annual-report": _annual_report}[job]
        print(json.dumps(run(*args)))


if __name__ == "__main__":
    main(*sys.argv[1:])

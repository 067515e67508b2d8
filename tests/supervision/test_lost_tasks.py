"""No task is lost: a worker killed with SIGKILL in the middle of a test report leaves the task
to the next worker within the configured bound (coop/settings.py: late acknowledgement,
rejection when the pool process is lost, the visibility timeout), and the sweep
(supervision/tasks.py) issues any document a row needs but lacks, never one twice.

The killed workers are real ``celery worker`` processes on this run's test database and queue;
tests/worker_hooks.py, loaded into them alone, makes their first render stop long enough to
kill them there."""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from coop.celery import app
from coop.models import AnnualReport, Document
from coop.tenancy import scope, unscoped
from credit.models import Commitment
from credit.services import commitments
from members.models import ConventionSignature
from members.services.convention import convention_adopt, convention_sign
from supervision.tasks import documents_lacking, issue_missing_documents
from testing_fund.models import Batch
from testing_fund.services import batches
from tests.factories import UserFactory
from tests.testing_fund.conftest import request, sample

ROOT = Path(__file__).resolve().parents[2]
BAD = {"formaldehyde": "82", "ph": "6.5", "odour": "无"}
# The bound under test: Redis hands a dead worker's task on after VISIBILITY seconds, and the
# workers look every RESTORE seconds. Short here so the test is quick; production's are in
# coop/settings.py. STARTUP is what a worker process takes to start and render, at most.
VISIBILITY, RESTORE, STARTUP = 8, 1, 60


@pytest.fixture
def verified(coop_a, priced):
    """A failed batch of coop A with its results verified: the report is the next step."""
    checker = UserFactory(role="lab_technician", institution=coop_a.lab.institution)
    coop_a.enterprise.email = "quality@example.com"
    coop_a.enterprise.save()
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, batch)
        batches.receive(batch=batch, actor=coop_a.lab)
        batches.enter_results(batch=batch, actor=coop_a.lab, values=BAD)
        batches.verify(batch=batch, actor=checker)
        return Batch.objects.get(pk=batch.pk)


def purge_queue():
    """Drop what this run's queue holds: messages of earlier tests (their rows are gone), or,
    in a test, the messages of rows whose task is to be lost."""
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)


class Workers:
    """Celery worker processes on this run's test database and queue."""

    def __init__(self, tmp_path, visibility):
        db = connection.settings_dict
        credentials = quote(db["USER"] or "") + (
            ":" + quote(db["PASSWORD"]) if db["PASSWORD"] else ""
        )
        self.mark = tmp_path / "rendering"
        self.logs = tmp_path
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TASK_VISIBILITY_TIMEOUT": str(visibility),
            "TASK_RESTORE_SECONDS": str(RESTORE),
            "COOP_TEST_RENDER_MARK": str(self.mark),
            "COOP_TEST_RUN": settings.CELERY_TASK_DEFAULT_QUEUE,
        }
        self.started = []

    def start(self, *pool):
        n = len(self.started) + 1
        log = open(self.logs / f"worker{n}.log", "wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "coop", "worker", "-I", "tests.worker_hooks"]
            + ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "-n", f"lost{n}-{os.getpid()}@%h"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
            + list(pool),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches its pool too
        )
        log.close()
        self.started.append(process)
        return process

    def rendering_pid(self):
        """The process id of the worker in the middle of the first render, once it is there."""
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            if self.mark.exists() and self.mark.read_text():
                return int(self.mark.read_text())
            time.sleep(0.1)
        raise AssertionError(f"No worker began rendering; see {self.logs}/worker*.log")

    def stop_all(self):
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def workers(tmp_path, transactional_db):
    purge_queue()
    made = []

    def start(visibility):
        made.append(Workers(tmp_path, visibility))
        return made[-1]

    yield start
    for each in made:
        each.stop_all()
    purge_queue()


def issued_report(batch, within):
    """The batch's report once a worker has issued it (file written, mail claimed), waiting at
    most ``within`` seconds; None if it has not been issued by then."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with unscoped():
            document = Document.objects.filter(kind="test_report", source_id=batch.pk).first()
            mailed = Batch.objects.filter(pk=batch.pk, report_mailed_at__isnull=False).exists()
        if document is not None and document.file and mailed:
            return document
        time.sleep(0.2)
    return None


def only_document_of(batch):
    with unscoped():
        return list(
            Document.objects.filter(cooperative=batch.cooperative_id).values_list(
                "kind", "source_id", "number"
            )
        )


@pytest.mark.celery_worker
def test_a_report_whose_worker_was_killed_is_issued_by_the_next_one_within_the_bound(
    coop_a, verified, workers, capsys
):
    pool = workers(visibility=VISIBILITY)
    first = pool.start("--pool", "solo")
    with scope({coop_a.cooperative.pk}):
        batches.report(batch=verified, actor=coop_a.admin)  # the task is sent on commit
    assert pool.rendering_pid() == first.pid  # numbered, half rendered, not committed
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    killed = time.monotonic()
    assert only_document_of(verified) == []  # what it began was rolled back with it
    pool.start("--pool", "solo")
    document = issued_report(verified, within=VISIBILITY + 2 * RESTORE + STARTUP)
    assert document is not None, "the next worker did not issue the report within the bound"
    with capsys.disabled():
        print(
            f"\nreport issued {time.monotonic() - killed:.1f} s after its worker was killed "
            f"(visibility timeout {VISIBILITY} s, restore every {RESTORE} s)"
        )
    year = timezone.localdate().year
    # The number the killed worker had taken was rolled back too: no gap, no second document.
    assert only_document_of(verified) == [
        ("test_report", verified.pk, f"{coop_a.cooperative.code}-{year}-00001")
    ]
    with unscoped():
        assert Batch.objects.get(pk=verified.pk).status == "reported"


@pytest.mark.celery_worker
def test_a_report_whose_pool_process_was_killed_is_run_again_at_once(coop_a, verified, workers):
    # An hour of visibility timeout: only the worker's rejection can bring the task back soon.
    pool = workers(visibility=3600)
    worker = pool.start("--pool", "prefork", "--concurrency", "1")
    with scope({coop_a.cooperative.pk}):
        batches.report(batch=verified, actor=coop_a.admin)
    child = pool.rendering_pid()
    assert child != worker.pid  # the pool's process, not the worker itself
    os.kill(child, signal.SIGKILL)
    assert issued_report(verified, within=STARTUP) is not None
    assert len(only_document_of(verified)) == 1


# The sweep


def lose_the_tasks_of_new_rows(coop_a, verified, convention):
    """A reported batch, a published commitment, a signature and an annual report asked for
    long ago, whose tasks are lost: sent to the queue, then purged before any worker runs."""
    with scope({coop_a.cooperative.pk}):
        batches.report(batch=verified, actor=coop_a.admin)
        commitment = commitments.draft(
            member=coop_a.member,
            actor=coop_a.enterprise,
            products="四件套",
            standards="GB 18401-2010",
            guarantees="七天无理由退货",
            valid_from=date.today(),
            valid_until=date.today() + timedelta(days=365),
        )
        commitments.submit(commitment=commitment, actor=coop_a.enterprise)
        commitments.publish(commitment=commitment, actor=coop_a.admin)
        signature = convention_sign(
            member=coop_a.member,
            actor=coop_a.enterprise,
            signer_name="张三",
            signer_position="总经理",
        )
        report = AnnualReport.objects.create(cooperative=coop_a.cooperative, year=2025)
        AnnualReport.objects.filter(pk=report.pk).update(
            requested_at=timezone.now() - timedelta(hours=1)
        )
    purge_queue()
    return commitment, signature, report


@pytest.mark.celery_worker
def test_the_sweep_issues_what_rows_lack_and_a_second_sweep_nothing_twice(
    coop_a, verified, convention, request
):
    purge_queue()
    commitment, signature, report = lose_the_tasks_of_new_rows(coop_a, verified, convention)
    with unscoped():
        assert not Document.objects.exists()
    request.getfixturevalue("worker")  # a worker from now on
    every_one = {
        "test_report": 1,
        "sampling_sheet": 1,
        "commitment_certificate": 1,
        "convention_certificate": 1,
        "annual_report": 1,
    }
    assert issue_missing_documents(coop_a.cooperative.pk) == every_one
    # A second sweep before the first one's tasks have run sends them again: they find their
    # work done (or wait for it) and issue nothing twice.
    issue_missing_documents(coop_a.cooperative.pk)
    # The worker takes its queue in order: this sweep runs after all the tasks sent above.
    again = issue_missing_documents.delay(coop_a.cooperative.pk).get(timeout=120)
    assert again == dict.fromkeys(every_one, 0)
    with unscoped():
        issued = sorted(Document.objects.values_list("kind", "source_id"))
        assert AnnualReport.objects.get(pk=report.pk).status == "done"
    assert issued == [
        ("commitment_certificate", commitment.pk),
        ("convention_certificate", signature.pk),
        ("sampling_sheet", verified.pk),
        ("test_report", verified.pk),
    ]
    reports = [m for m in mail.outbox if "检测报告" in m.subject]
    assert [m.to for m in reports] == [["quality@example.com"]]  # mailed once


def test_the_sweep_leaves_rows_that_need_no_document(coop_a, verified, convention):
    """A batch not reported, a commitment that has lapsed, a signature a newer one replaced,
    and an annual report asked for a moment ago (its task may still be queued) need nothing;
    the newest signature does."""
    with scope({coop_a.cooperative.pk}):
        lapsed = commitments.draft(
            member=coop_a.member,
            actor=coop_a.enterprise,
            products="四件套",
            standards="GB 18401-2010",
            guarantees="七天无理由退货",
            valid_from=date.today(),
            valid_until=date.today() + timedelta(days=365),
        )
        Commitment.objects.filter(pk=lapsed.pk).update(
            status="published", valid_until=date.today() - timedelta(days=1)
        )
        sign = {"member": coop_a.member, "actor": coop_a.enterprise, "signer_name": "张三"}
        old = convention_sign(**sign, signer_position="总经理")
        convention_adopt(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            title="质量公约",
            text="",
            purpose="质量第一",
            principles="诚信守约",
            duties="执行标准",
            member_conditions="依法登记",
            entry_exit_rules="自愿加入",
        )
        new = convention_sign(**sign, signer_position="总经理")
        AnnualReport.objects.create(cooperative=coop_a.cooperative, year=2025)
        lacking = {
            what: list(rows.values_list("pk", flat=True))
            for what, _task, rows in documents_lacking()
        }
        assert ConventionSignature.objects.filter(pk=old.pk).exists()
    purge_queue()
    assert lacking == {
        "test_report": [],
        "sampling_sheet": [verified.pk],  # sampled: its sheet's task was never run here
        "commitment_certificate": [],
        "convention_certificate": [new.pk],
        "annual_report": [],
    }


def test_the_sweep_is_scheduled_in_the_database(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Issue missing documents")
    assert task.task == "supervision.tasks.issue_missing_documents_everywhere"
    assert task.task in app.tasks
    assert (task.interval.every, task.interval.period) == (10, "minutes")


def test_an_annual_report_built_is_left_as_it_is_by_a_rerun(coop_a):
    from supervision.tasks import build_annual_report

    with scope({coop_a.cooperative.pk}):
        report = AnnualReport.objects.create(cooperative=coop_a.cooperative, year=2025)
    name = build_annual_report(coop_a.cooperative.pk, report.pk)
    with unscoped():
        built = AnnualReport.objects.get(pk=report.pk)
    folder = Path(built.file.path).parent
    files = set(folder.iterdir())
    assert build_annual_report(coop_a.cooperative.pk, report.pk) == name
    with unscoped():
        assert AnnualReport.objects.get(pk=report.pk).finished_at == built.finished_at
    assert set(folder.iterdir()) == files  # not built a second time

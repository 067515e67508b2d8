from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from coop.celery import app, tenant_task
from coop.models import AnnualReport, Cooperative, Document
from credit.models import Commitment
from credit.tasks import issue_commitment_certificate
from members.models import ConventionSignature, Member
from members.tasks import issue_convention_certificate
from supervision import kept_figures, reports
from testing_fund.models import Batch
from testing_fund.reports import issue_test_report
from testing_fund.sampling_sheets import issue_sampling_sheet

# Rows of each kind one sweep sends per cooperative, newest first: a backlog (records entered
# without their documents, like the demo's history) is worked off over a few sweeps rather
# than queued all at once.
SWEEP_LIMIT = 500


# The name it had when coop/tasks.py declared it: a request queued before the move still runs.
@tenant_task(name="coop.tasks.build_annual_report")
def build_annual_report(cooperative_id, report_id):
    """Build the report's PDF. A rerun (its worker was lost, or the sweep sent it again)
    builds a report not yet done and leaves a done one as it is."""
    report = AnnualReport.objects.get(pk=report_id)
    if report.status == AnnualReport.Status.DONE:
        return report.file.name
    try:
        reports.build(report)
    except Exception:
        AnnualReport.objects.filter(pk=report_id).update(status=AnnualReport.Status.FAILED)
        raise
    return report.file.name


def without(kind, rows):
    """``rows`` lacking their document of ``kind`` (or whose document has no file yet)."""
    issued = Document.objects.filter(
        cooperative_id=OuterRef("cooperative_id"), kind=kind, source_id=OuterRef("pk")
    ).exclude(file="")
    return rows.filter(~Exists(issued))


def documents_lacking():
    """What the rows of the cooperatives in scope need but lack, as (what, task, rows):
    - a batch reported (or since closed) without its test report, or not yet mailed;
    - a batch sampled without its sampling sheet;
    - a published commitment still in force without its certificate (none is made for one
      that has lapsed);
    - a member's newest convention signature without its certificate, while it is a member
      (an older signature's certificate would only be superseded; an exited unit's revoked);
    - an annual report asked for that no worker has begun, once a worker would have had it
      (the visibility timeout and two looks): its message was lost. One begun and left half
      built is the broker's to hand on (its message waits in Redis), and sending it again
      could build it twice at once."""
    reported = Batch.objects.filter(status__in=[Batch.Status.REPORTED, Batch.Status.CLOSED])
    unreported = without(Document.Kind.TEST_REPORT, reported) | reported.filter(
        report_mailed_at=None
    )
    sampled = Batch.objects.filter(sampled_at__isnull=False)
    in_force = Commitment.objects.filter(
        status=Commitment.Status.PUBLISHED, valid_until__gte=timezone.localdate()
    )
    newer = ConventionSignature.objects.filter(
        member=OuterRef("member"), convention__version__gt=OuterRef("convention__version")
    )
    newest = ConventionSignature.objects.filter(
        Q(member__status__in=[Member.Status.ACTIVE, Member.Status.SUSPENDED]) & ~Exists(newer)
    )
    overdue = timezone.now() - timedelta(
        seconds=settings.TASK_VISIBILITY_TIMEOUT + 2 * settings.TASK_RESTORE_SECONDS
    )
    return [
        (Document.Kind.TEST_REPORT.value, issue_test_report, unreported),
        (
            Document.Kind.SAMPLING_SHEET.value,
            issue_sampling_sheet,
            without(Document.Kind.SAMPLING_SHEET, sampled),
        ),
        (
            Document.Kind.COMMITMENT_CERTIFICATE.value,
            issue_commitment_certificate,
            without(Document.Kind.COMMITMENT_CERTIFICATE, in_force),
        ),
        (
            Document.Kind.CONVENTION_CERTIFICATE.value,
            issue_convention_certificate,
            without(Document.Kind.CONVENTION_CERTIFICATE, newest),
        ),
        (
            "annual_report",
            build_annual_report,
            AnnualReport.objects.filter(
                status=AnnualReport.Status.QUEUED, requested_at__lt=overdue
            ),
        ),
    ]


@tenant_task
def issue_missing_documents(cooperative_id):
    """Send again the task of every document the cooperative's rows need but lack: its first
    task was lost (the worker died and the message with it, the broker was down when the row
    was saved, or the task failed). The tasks are idempotent, so one sent again while the
    first is still queued issues nothing twice. Returns how many of each were sent."""
    sent = {}
    for what, task, rows in documents_lacking():
        ids = list(rows.order_by("-pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
        for pk in ids:
            task.delay(cooperative_id, pk)
        sent[what] = len(ids)
    return sent


@app.task
def issue_missing_documents_everywhere():
    """The schedule's entry (supervision/migrations/0001): one sweep per cooperative, each in
    its own scope."""
    for cooperative_id in Cooperative.objects.values_list("pk", flat=True):
        issue_missing_documents.delay(cooperative_id)


@app.task
def refresh_kept_figures():
    """The schedule's entry (supervision/migrations/0004): compute the kept figures that a
    write or a new day made stale, so the pages that read them rarely compute them."""
    return kept_figures.refresh_due()

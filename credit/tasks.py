import json

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from coop import documents
from coop.celery import tenant_task
from coop.models import Document, User
from credit import reminders
from credit.models import Commitment, Complaint
from credit.services import assessments, enforcement, grading


@tenant_task
def issue_commitment_certificate(cooperative_id, commitment_id):
    """Render the published commitment's certificate, once."""
    commitment = Commitment.objects.select_related("member__cooperative").get(pk=commitment_id)
    document = documents.issue(
        kind=Document.Kind.COMMITMENT_CERTIFICATE,
        source_id=commitment.pk,
        member=commitment.member,
        public_details={
            "member": commitment.member.name,
            "products": commitment.products,
            "valid_from": commitment.valid_from.isoformat(),
            "valid_until": commitment.valid_until.isoformat(),
        },
        render=lambda document: documents.render_html(
            "credit/commitment_certificate.html",
            document,
            commitment=commitment,
            member=commitment.member,
            cooperative=commitment.member.cooperative,
        ),
    )
    return document.number


@tenant_task
def tell_member_of_valid_complaint(cooperative_id, complaint_id):
    """Mail the member's users that staff found a complaint against it valid, once: the row is
    claimed before the mail goes, a second run finds it claimed, a failed send rolls the claim
    back for a rerun. The complainant's contact and words stay out of it: the member reads the
    complaint on the portal, where it answers it."""
    with transaction.atomic():
        claimed = Complaint.objects.filter(
            pk=complaint_id, triage=Complaint.Triage.VALID, member_told_at=None
        ).update(member_told_at=timezone.now())
        if not claimed:
            return 0
        complaint = Complaint.objects.select_related("member__cooperative").get(pk=complaint_id)
        recipients = list(
            User.objects.filter(member_id=complaint.member_id, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if recipients:
            url = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
                "complaint-detail", args=[complaint.member.cooperative.slug, complaint.pk]
            )
            facts = {
                "product": complaint.product,
                "received": timezone.localtime(complaint.received_at).date().isoformat(),
                "reason": complaint.triage_reason,
                "url": url,
            }
            send_mail(
                _("A complaint about your %(product)s was found valid") % facts,
                _(
                    "The cooperative's staff examined a complaint received on %(received)s "
                    "about your %(product)s and found it valid: %(reason)s\n\n"
                    "Read it and send your answer on the portal:\n%(url)s"
                )
                % facts,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
    return len(recipients)


@tenant_task
def assess(cooperative_id, months=12):
    """The scheduled commitment assessment over the last ``months`` whole months."""
    start, end = assessments.previous_period(timezone.localdate(), months)
    return len(assessments.assess(cooperative_id=cooperative_id, start=start, end=end))


@tenant_task
def grade(cooperative_id):
    """The scheduled credit grading; members who reach an exit threshold are proposed."""
    graded = grading.grade_members(cooperative_id=cooperative_id)
    proposed = enforcement.propose_exits(cooperative_id=cooperative_id)
    return {"graded": len(graded), "exit_proposals": len(proposed)}


@tenant_task
def daily(cooperative_id):
    """Assessments whose objection window closed become final; overdue orders are reminded,
    and so are the members whose commitments run out within 30 days (once per commitment)."""
    return {
        "finalised": assessments.finalise_due(cooperative_id=cooperative_id),
        "reminded": enforcement.remind_overdue(cooperative_id=cooperative_id),
        "commitments_reminded": reminders.remind_expiring(cooperative_id=cooperative_id),
    }


@tenant_task
def remind_expiring_commitments(cooperative_id):
    """The commitment reminders alone (the daily upkeep sends them too): run again, it mails
    nobody twice."""
    return reminders.remind_expiring(cooperative_id=cooperative_id)


SCHEDULES = [
    # (name, task, crontab): staff move, pause and run them on the schedules page
    # (supervision.schedules), which keeps them in django-celery-beat.
    ("Commitment assessment", "credit.tasks.assess", {"day_of_month": "5", "month_of_year": "1,7"}),
    ("Credit grading", "credit.tasks.grade", {"day_of_month": "1", "month_of_year": "*"}),
    # The daily upkeep also mails the 30-day reminders of commitments that run out.
    ("Credit daily upkeep", "credit.tasks.daily", {"day_of_month": "*", "month_of_year": "*"}),
]


def schedule(cooperative):
    """The cooperative's credit schedules in the database scheduler. Idempotent."""
    return [schedule_one(cooperative, *entry) for entry in SCHEDULES]


def schedule_one(cooperative, name, task, when):
    """One of ``SCHEDULES`` for ``cooperative``, at 06:00: an existing one as it is."""
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", timezone="Asia/Shanghai", **when
    )
    periodic, _created = PeriodicTask.objects.get_or_create(
        name=f"{name}: {cooperative.slug}",
        defaults={"task": task, "crontab": crontab, "args": json.dumps([cooperative.pk])},
    )
    return periodic

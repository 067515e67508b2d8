"""A batch's test report: its PDF, issued once through the document pipeline, and the mail to
the member's users. ``services/batches.py`` sends the task when the report is issued; it sits
below the services (``tasks.py`` plans rounds with them), so neither imports the other back."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import documents
from coop.celery import tenant_task
from coop.models import Document, User
from testing_fund.models import Batch


# Its name is the one it had in tasks.py, where it was declared until services/batches.py sent
# it from the top of the module: queued messages and results keep finding it.
@tenant_task(name="testing_fund.tasks.issue_test_report")
def issue_test_report(cooperative_id, batch_id):
    """Render the batch's report (once) and mail it to the member's users (once). A rerun,
    after a lost worker or from the sweep, finds the document and the mail already done."""
    batch = Batch.objects.select_related("member__cooperative", "standard", "lab").get(pk=batch_id)
    verdict = _("passed") if batch.passed else _("failed")
    document = documents.issue(
        kind=Document.Kind.TEST_REPORT,
        source_id=batch.pk,
        member=batch.member,
        # What the public may see of a report: the product, the verdict and the date.
        public_details={
            "product": batch.product,
            "verdict": str(verdict),
            "reported_on": batch.reported_on.isoformat(),
        },
        render=lambda document: report_html(document, batch),
    )
    with transaction.atomic():
        # Claim the mail: a second run waits on the row until this one commits, then finds it
        # sent. A failed send rolls the claim back, and the sweep tries again.
        claimed = Batch.objects.filter(pk=batch.pk, report_mailed_at=None).update(
            report_mailed_at=timezone.now()
        )
        if claimed:
            mail_the_report(batch, document, verdict)
    return document.number


def mail_the_report(batch, document, verdict):
    recipients = list(
        User.objects.filter(member_id=batch.member_id)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        send_mail(
            _("Test report %(number)s") % {"number": document.number},
            _(
                "The report of %(product)s is ready: %(verdict)s. Download it from the "
                "portal; anyone can verify it at %(url)s."
            )
            % {
                "product": batch.product,
                "verdict": verdict,
                "url": documents.verification_url(document.code),
            },
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )


def report_html(document, batch):
    results = batch.results.select_related("indicator").order_by("indicator__code")
    return documents.render_html(
        "testing_fund/test_report.html", document, batch=batch, results=results
    )

"""The report's task run again (its worker lost, or sent again by the sweep) mails the member
once; a send that fails is retried by the next run."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from coop.models import Document
from coop.tenancy import scope, unscoped
from testing_fund.models import Batch
from testing_fund.services import batches
from testing_fund.tasks import issue_test_report
from tests.factories import UserFactory
from tests.testing_fund.conftest import request, sample

GOOD = {"formaldehyde": "30", "ph": "6.5", "odour": "无"}


class DownBackend(BaseEmailBackend):
    """A mail server that does not answer."""

    def send_messages(self, messages):
        raise SMTPException("connection refused")


@pytest.fixture
def reported(coop_a, priced):
    coop_a.enterprise.email = "quality@example.com"
    coop_a.enterprise.save()
    checker = UserFactory(role="lab_technician", institution=coop_a.lab.institution)
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, batch)
        batches.receive(batch=batch, actor=coop_a.lab)
        batches.enter_results(batch=batch, actor=coop_a.lab, values=GOOD)
        batches.verify(batch=batch, actor=checker)
        return batches.report(batch=batch, actor=coop_a.admin)


def test_the_report_task_run_twice_issues_one_report_and_mails_it_once(coop_a, reported):
    first = issue_test_report(coop_a.cooperative.pk, reported.pk)
    assert issue_test_report(coop_a.cooperative.pk, reported.pk) == first
    with unscoped():
        assert Document.objects.filter(kind="test_report", source_id=reported.pk).count() == 1
    assert [message.to for message in mail.outbox] == [["quality@example.com"]]


def test_a_report_whose_mail_failed_is_mailed_by_the_next_run(coop_a, reported, settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    with pytest.raises(SMTPException):
        issue_test_report(coop_a.cooperative.pk, reported.pk)
    with unscoped():
        assert Batch.objects.get(pk=reported.pk).report_mailed_at is None  # claim rolled back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    number = issue_test_report(coop_a.cooperative.pk, reported.pk)
    assert [message.subject for message in mail.outbox] == [f"检测报告 {number}"]
    with unscoped():
        assert Batch.objects.get(pk=reported.pk).report_mailed_at is not None

"""The daily check of declared standards flags a row only once its mail has gone: a send that
fails leaves the row for the next run, which tells the member."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from coop.tenancy import scope, unscoped
from standards.models import DeclaredStandard, Standard
from standards.services import flag_outdated
from tests.standards.test_declarations import declare


class DownBackend(BaseEmailBackend):
    """A mail server that does not answer."""

    def send_messages(self, messages):
        raise SMTPException("connection refused")


def test_a_failed_send_leaves_the_row_for_the_next_run(loaded, coop_a, api, settings):
    coop_a.enterprise.email = "quality@example.com"
    coop_a.enterprise.save()
    declare(api, coop_a, "GB 18401-2010", "GB/T 22796-2021")
    today = timezone.localdate()
    with unscoped():
        Standard.objects.filter(code="GB/T 22796-2021").update(withdrawn_on=today)
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    with scope({coop_a.cooperative.pk}), pytest.raises(SMTPException):
        flag_outdated(coop_a.cooperative.pk, today=today)
    with unscoped():
        assert not DeclaredStandard.objects.exclude(flagged_on=None).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with scope({coop_a.cooperative.pk}):
        flagged = flag_outdated(coop_a.cooperative.pk, today=today + timedelta(days=1))
    assert [row.standard.code for row in flagged] == ["GB/T 22796-2021"]
    assert [message.to for message in mail.outbox] == [["quality@example.com"]]

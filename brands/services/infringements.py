"""A trademark-infringement report's way: a member unit (or the administrator for it) reports
goods sold under the collective trademark without a licence, with photos or documents as
evidence (``coop.attachments``) → staff investigate → refer it to enforcement (the authority
and its case reference) or close it with the outcome (a referred one is closed when the case
ends). Every step is declared once, in ``INFRINGEMENT`` at the bottom."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from rest_framework import serializers

from brands.models import InfringementReport
from brands.services.design_reviews import may_submit_for
from coop import attachments
from coop.errors import Refused
from coop.models import Attachment
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from members.models import Member

Status = InfringementReport.Status
EVIDENCE = Attachment.Purpose.INFRINGEMENT_EVIDENCE


@transaction.atomic
def report(
    *,
    member,
    actor,
    channel,
    description,
    seen_on,
    place="",
    url="",
    mark=None,
    evidence=(),
):
    """Record a report; ``evidence`` the uploaded files, every one checked before any is kept
    (a refusal of one stores nothing, neither the report nor a file)."""
    if not may_submit_for(actor, member):
        raise Refused(_("Only the member unit itself or an administrator files its reports."))
    if member.status != Member.Status.ACTIVE:
        raise Refused(_("Reports are taken from active member units."))
    if seen_on and seen_on > timezone.localdate():
        raise ValidationError({"seen_on": _("The date seen cannot be in the future.")})
    if mark is not None and mark.cooperative_id != member.cooperative_id:
        raise ValidationError({"mark": _("This belongs to another cooperative.")})
    checked = attachments.check_all(evidence, EVIDENCE, "evidence", pgettext("brands", "evidence"))
    row = InfringementReport(
        cooperative_id=member.cooperative_id,
        member=member,
        mark=mark,
        channel=channel,
        place=(place or "").strip(),
        url=(url or "").strip(),
        seen_on=seen_on,
        description=(description or "").strip(),
    )
    row.full_clean()
    row.save()
    attachments.store(row, EVIDENCE, checked, actor)
    INFRINGEMENT.record(row, "report", actor=actor, details={"evidence": len(checked)})
    return row


def investigating(row, *, actor):
    return row


def referred(row, *, actor, authority, reference=""):
    if not authority.strip():
        raise ValidationError({"authority": _("Name the authority it is referred to.")})
    row.authority, row.reference = authority.strip(), reference.strip()


def closed(row, *, actor, outcome):
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say how the report ended.")})
    row.outcome, row.closed_at = outcome.strip(), timezone.now()


class InfringementInput(serializers.Serializer):
    authority = step_text(pgettext_lazy("brands", "referred to"), line=True)
    reference = step_text(pgettext_lazy("brands", "case reference"), required=False, line=True)
    outcome = step_text(gettext_lazy("outcome"))


STAFF = Party.ADMINISTRATOR

INFRINGEMENT = Workflow(
    name="infringement_report",
    model=InfringementReport,
    noun=pgettext_lazy("brands", "an infringement report"),
    input=InfringementInput,
    related=("member",),
    steps=[
        # Recorded when the member (or the administrator for it) reports it: ``report``.
        step(
            "report",
            pgettext_lazy("brands", "Report an infringement"),
            pgettext_lazy("brands", "report"),
            (),
            Status.RECEIVED,
            (),
            done=pgettext_lazy("brands", "report received"),
        ),
        step(
            "investigate",
            pgettext_lazy("brands", "Start investigating"),
            pgettext_lazy("brands", "start investigating"),
            [Status.RECEIVED],
            Status.INVESTIGATING,
            STAFF,
            investigating,
        ),
        step(
            "refer",
            pgettext_lazy("brands", "Refer to enforcement"),
            pgettext_lazy("brands", "refer"),
            [Status.INVESTIGATING],
            Status.REFERRED,
            STAFF,
            referred,
            fields=("authority", "reference"),
            required=("authority",),
            reason="reference",
        ),
        step(
            "close",
            pgettext_lazy("brands", "Close with the outcome"),
            gettext_lazy("close"),
            [Status.RECEIVED, Status.INVESTIGATING, Status.REFERRED],
            Status.CLOSED,
            STAFF,
            closed,
            fields=("outcome",),
            required=("outcome",),
            reason="outcome",
        ),
    ],
)

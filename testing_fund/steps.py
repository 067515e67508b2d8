"""The steps of a batch as the API and the pages offer them: who takes each, what it asks
for, and when it is due. The services decide; ``due`` only chooses which forms a page shows,
and a step taken when it is not due is refused by its service with the reason."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from coop.access import may_administer
from coop.models import Role
from coop.owned import is_enterprise
from testing_fund.models import Batch, Objection
from testing_fund.services import batches

Status = Batch.Status


def status_in(*statuses):
    return lambda batch: batch.status in statuses


def failed_and_reported(batch):
    return batch.passed is False and batch.status in (Status.REPORTED, Status.CLOSED)


def rectification(batch):
    return getattr(batch, "rectification", None)


def objection(batch):
    return getattr(batch, "objection", None)


@dataclass(frozen=True)
class Step:
    service: object
    who: str  # "staff", "member", "lab", or "checker" (the batch's lab or an administrator)
    label: str
    fields: tuple = ()
    due: object = staticmethod(lambda batch: False)


STEPS = {
    "approve": Step(batches.approve, "staff", _("Approve"), due=status_in(Status.REQUESTED)),
    "reject": Step(
        batches.reject, "staff", _("Reject"), ("reason",), due=status_in(Status.REQUESTED)
    ),
    "cancel": Step(
        batches.cancel,
        "staff",
        _("Cancel"),
        ("reason",),
        due=status_in(Status.REQUESTED, Status.APPROVED, Status.SAMPLED),
    ),
    "sample": Step(
        batches.sample,
        "staff",
        _("Record the sampling"),
        ("seal_number", "samplers", "sampling_place", "backup_kept"),
        due=status_in(Status.APPROVED),
    ),
    "receive": Step(batches.receive, "lab", _("Receive the sample"), due=status_in(Status.SAMPLED)),
    "enter": Step(
        batches.enter_results,
        "lab",
        _("Save the results"),
        ("values",),
        due=status_in(Status.RECEIVED, Status.ENTERED),
    ),
    "verify": Step(
        batches.verify, "checker", _("Verify the results"), due=status_in(Status.ENTERED)
    ),
    "report": Step(batches.report, "staff", _("Issue the report"), due=status_in(Status.VERIFIED)),
    "close": Step(batches.close, "staff", _("Close"), due=status_in(Status.REPORTED)),
    "rectification": Step(
        batches.notify_rectification,
        "staff",
        _("Send the rectification notice"),
        ("notice", "due_on"),
        due=lambda batch: failed_and_reported(batch) and not rectification(batch),
    ),
    "answer": Step(
        batches.answer_rectification,
        "member",
        _("Send the answer"),
        ("answer",),
        due=lambda batch: rectification(batch) and not batch.rectification.answered_at,
    ),
    "reinspect": Step(
        batches.reinspect, "staff", _("Order a re-inspection"), due=failed_and_reported
    ),
    "object": Step(
        batches.object_to,
        "member",
        _("File the objection"),
        ("reason",),
        due=lambda batch: batch.status == Status.REPORTED and not objection(batch),
    ),
    "decide": Step(
        batches.decide_objection,
        "staff",
        _("Decide the objection"),
        ("upheld", "reason"),
        due=lambda batch: (
            objection(batch) and batch.objection.decision == Objection.Decision.PENDING
        ),
    ),
}


class StepInput(serializers.Serializer):
    """What a step may be given, checked the same for the API and the pages."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")
    seal_number = serializers.CharField(required=False, allow_blank=True, default="")
    samplers = serializers.CharField(required=False, allow_blank=True, default="")
    sampling_place = serializers.CharField(required=False, allow_blank=True, default="")
    backup_kept = serializers.BooleanField(required=False, default=False)
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="{indicator code: result as entered}",
    )
    notice = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    upheld = serializers.BooleanField(required=False, default=False)


def allowed(user, who, batch):
    lab = user.role == Role.LAB_TECHNICIAN and user.institution_id == batch.lab_id
    if who == "staff":
        return may_administer(user)
    if who == "member":
        return is_enterprise(user) and user.member_id == batch.member_id
    if who == "checker":
        return lab or may_administer(user)
    return lab


def due_steps(user, batch):
    """The steps this user may take on the batch now, in the workflow's order."""
    return [
        verb for verb, step in STEPS.items() if allowed(user, step.who, batch) and step.due(batch)
    ]

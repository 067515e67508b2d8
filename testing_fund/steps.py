"""The steps of a batch (see coop/steps.py): who takes each, what it asks for, when it is due."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from coop.steps import Step, status_in
from testing_fund.models import Batch, Objection
from testing_fund.services import batches

Status = Batch.Status


def failed_and_reported(batch):
    return batch.passed is False and batch.status in (Status.REPORTED, Status.CLOSED)


def rectification(batch):
    return getattr(batch, "rectification", None)


def objection(batch):
    return getattr(batch, "objection", None)


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

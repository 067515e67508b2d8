"""The steps of commitments, complaints, assessments and their objections, credit grades,
rectification orders and exit proposals (see coop/steps.py)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from coop.steps import Step, status_in
from credit.models import (
    Assessment,
    AssessmentObjection,
    Commitment,
    Complaint,
    ExitProposal,
)
from credit.services import assessments, commitments, complaints, enforcement, grading

C, P = Commitment.Status, Complaint.Status

COMMITMENT_STEPS = {
    "submit": Step(
        commitments.submit,
        "member",
        _("Submit for review"),
        due=status_in(C.DRAFT, C.RETURNED),
        target="commitment",
    ),
    "publish": Step(
        commitments.publish,
        "staff",
        _("Publish"),
        due=status_in(C.SUBMITTED),
        target="commitment",
    ),
    "return": Step(
        commitments.return_for_changes,
        "staff",
        _("Return for changes"),
        ("note",),
        due=status_in(C.SUBMITTED),
        target="commitment",
    ),
    "withdraw": Step(
        commitments.withdraw,
        "staff",
        _("Withdraw"),
        ("reason",),
        due=status_in(C.PUBLISHED),
        target="commitment",
    ),
}

COMPLAINT_STEPS = {
    "triage": Step(
        complaints.triage,
        "staff",
        _("Triage"),
        ("verdict", "reason", "duplicate_of"),
        due=status_in(P.RECEIVED),
        target="complaint",
    ),
    "answer": Step(
        complaints.answer,
        "member",
        _("Send the answer"),
        ("text",),
        due=status_in(P.TRIAGED),
        target="complaint",
    ),
    "resolve": Step(
        complaints.resolve,
        "staff",
        _("Resolve"),
        ("resolution",),
        due=status_in(P.TRIAGED, P.ANSWERED),
        target="complaint",
    ),
}

ASSESSMENT_STEPS = {
    "adjust": Step(
        assessments.adjust,
        "staff",
        _("Adjust the result"),
        ("result", "reason"),
        due=status_in(Assessment.Status.DRAFT),
        target="assessment",
    ),
    "object": Step(
        assessments.object_to,
        "member",
        _("Object"),
        ("reason",),
        due=status_in(Assessment.Status.ANNOUNCED),
        target="assessment",
    ),
}

OBJECTION_STEPS = {
    "decide": Step(
        assessments.decide_objection,
        "staff",
        _("Decide the objection"),
        ("upheld", "reason", "result"),
        due=lambda objection: objection.decision == AssessmentObjection.Decision.PENDING,
        target="objection",
    ),
}

GRADE_STEPS = {
    "override": Step(
        grading.override,
        "staff",
        _("Override the grade"),
        ("new_grade", "reason"),
        due=lambda grade: True,
        target="grade",
    ),
}

ORDER_STEPS = {
    "done": Step(
        enforcement.mark_rectified,
        "staff",
        _("Mark rectified"),
        due=lambda order: order.done_on is None,
        target="order",
    ),
}

EXIT_STEPS = {
    "decide": Step(
        enforcement.decide_exit,
        "staff",
        _("Decide"),
        ("accept", "reason"),
        due=status_in(ExitProposal.Status.PROPOSED),
        target="proposal",
    ),
}


class StepInput(serializers.Serializer):
    """What a credit step may be given, checked the same for the API and the pages."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    verdict = serializers.ChoiceField(
        Complaint.Triage.choices, required=False, default=Complaint.Triage.PENDING
    )
    duplicate_of = serializers.IntegerField(required=False, allow_null=True, default=None)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    resolution = serializers.CharField(required=False, allow_blank=True, default="")
    result = serializers.ChoiceField(
        Assessment.Result.choices, required=False, allow_blank=True, default=""
    )
    upheld = serializers.BooleanField(required=False, default=False)
    accept = serializers.BooleanField(required=False, default=False)
    new_grade = serializers.ChoiceField(
        grading.GRADES, required=False, allow_blank=True, default=""
    )

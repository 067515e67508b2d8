"""Commitment fulfilment assessment (承诺履行评价): worked out for every active member over a
period from its sampling verdicts, valid complaints and violations; reviewed by staff, who may
adjust a result with the reason; announced publicly (公示) with an objection window; objections
decided; then final, and shown on the member's public page. Every step is declared once, in
``ASSESSMENT`` and ``ASSESSMENT_OBJECTION`` at the bottom; the functions above are their bodies
and the period-wide steps (announce, finalise), which record one event per assessment."""

from collections import Counter
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from coop import audit, objections, periods, public_cache
from coop.errors import Refused
from coop.figures import grouped_by
from coop.models import StepEvent
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from credit.grading_words import coded
from credit.models import Announcement, Assessment, AssessmentObjection, Complaint, Violation
from members.models import Member
from testing_fund.models import Batch

Result, Status = Assessment.Result, Assessment.Status
OBJECTION_DAYS = 7


def judge(basis):
    """Not fulfilled: a serious violation, two failed samplings or three valid complaints;
    basically fulfilled: any failure, valid complaint or violation; else fulfilled."""
    if basis["serious"] or basis["failed"] >= 2 or basis["complaints"] >= 3:
        return Result.NOT_FULFILLED
    if basis["failed"] or basis["complaints"] or basis["violations"]:
        return Result.MOSTLY
    return Result.FULFILLED


def check_period(start, end):
    """A period that can be assessed: in the portal's range (coop.periods), ending no earlier
    than it starts and no later than today (a period not over yet has no record to judge)."""
    periods.check_dates(start=start, end=end)
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    if end > timezone.localdate():
        raise ValidationError({"end": _("A period is assessed once it is over: end it by today.")})


@transaction.atomic
def assess(*, cooperative_id, start, end):
    """An assessment for every active member lacking one for the period; four queries."""
    check_period(start, end)
    batches = grouped_by(
        # A re-test of a backup sample counts through the original, whose verdict follows it.
        Batch.objects.filter(
            cooperative_id=cooperative_id, reported_on__range=(start, end)
        ).exclude(kind=Batch.Kind.RETEST),
        "member",
        sampled=Count("*"),
        failed=Count("passed", filter=Q(passed=False)),
    )
    complaints = grouped_by(
        Complaint.objects.filter(
            cooperative_id=cooperative_id,
            triage=Complaint.Triage.VALID,
            received_at__date__range=(start, end),
        ),
        "member",
        complaints=Count("*"),
    )
    violations = grouped_by(
        Violation.objects.filter(cooperative_id=cooperative_id, occurred_on__range=(start, end)),
        "member",
        violations=Count("*"),
        serious=Count("severity", filter=Q(severity=Violation.Severity.SERIOUS)),
    )
    done = set(
        Assessment.objects.filter(
            cooperative_id=cooperative_id, period_start=start, period_end=end
        ).values_list("member_id", flat=True)
    )
    members = Member.objects.filter(
        cooperative_id=cooperative_id, status=Member.Status.ACTIVE
    ).values_list("pk", flat=True)
    empty = {"sampled": 0, "failed": 0, "complaints": 0, "violations": 0, "serious": 0}
    created = []
    for member in members:
        if member in done:
            continue
        basis = {
            **empty,
            **batches.get(member, {}),
            **complaints.get(member, {}),
            **violations.get(member, {}),
        }
        result = judge(basis)
        created.append(
            Assessment(
                cooperative_id=cooperative_id,
                member_id=member,
                period_start=start,
                period_end=end,
                computed=result,
                result=result,
                basis=basis,
            )
        )
    return Assessment.objects.bulk_create(created, batch_size=2000)


# Entry points for code (other services, the demo data, tasks): like the services before the
# declarations, they leave the role to their callers; pages and the API take steps through
# the declaration, which checks it.
def adjust(*, assessment, actor, result, reason):
    return ASSESSMENT.take(
        "adjust", assessment, actor=actor, check_who=False, result=result, reason=reason
    )


def adjusted(assessment, *, actor, result, reason):
    if result not in Result.values:
        raise ValidationError({"result": _("Choose a result.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    assessment.result, assessment.adjustment_reason = result, reason.strip()


@transaction.atomic
def announce(*, cooperative, actor, start, end, days=OBJECTION_DAYS):
    """Publish the period's reviewed results for objections within ``days``: one step for the
    whole period, recorded on each assessment."""
    check_period(start, end)
    if not 1 <= days <= 30:
        raise ValidationError({"days": _("Give an objection window of 1 to 30 days.")})
    drafts = list(
        Assessment.objects.filter(
            cooperative_id=cooperative.pk, period_start=start, period_end=end, status=Status.DRAFT
        )
        .select_for_update()  # no reviews meanwhile
        .only("pk", "cooperative_id", "result")
    )
    if not drafts:
        raise Refused(_("No assessment of this period awaits announcement."))
    counts = Counter(row.result for row in drafts)
    until = timezone.localdate() + timedelta(days=days)
    announcement = Announcement.objects.create(
        cooperative=cooperative,
        # Kept as a code and its figures: the notice reads in each reader's language.
        words=coded(
            "assessment",
            **{
                "start": str(start),
                "end": str(end),
                "fulfilled": counts.get(Result.FULFILLED, 0),
                "mostly": counts.get(Result.MOSTLY, 0),
                "not": counts.get(Result.NOT_FULFILLED, 0),
                "until": str(until),
            },
        ),
    )
    audit.record(instance=announcement, actor=actor, action="assessment_announce")
    Assessment.objects.filter(pk__in=[row.pk for row in drafts]).update(
        status=Status.ANNOUNCED, announcement=announcement, objections_until=until
    )
    details = {"announcement": announcement.pk, "objections_until": until.isoformat()}
    for row in drafts:
        row.status = Status.ANNOUNCED
    StepEvent.objects.bulk_create(
        ASSESSMENT.event(row, "announce", actor=actor, from_state=Status.DRAFT, details=details)
        for row in drafts
    )
    return announcement


def object_to(*, assessment, actor, reason):
    return ASSESSMENT.take("object", assessment, actor=actor, check_who=False, reason=reason)


def objected(assessment, *, actor, reason):
    """The objection, filed within the announcement's window; the assessment stays announced
    (and is not made final) until it is decided."""
    return objections.file(
        AssessmentObjection,
        parent=assessment,
        parent_field="assessment",
        reason=reason,
        open_until=assessment.objections_until,
    )


def decide_objection(*, objection, actor, upheld, reason, result=""):
    return ASSESSMENT_OBJECTION.take(
        "decide",
        objection,
        actor=actor,
        check_who=False,
        upheld=upheld,
        reason=reason,
        result=result,
    )


def objection_decided(objection, *, upheld, actor, result=""):
    """An upheld objection sets the result it asked for."""
    if not upheld:
        return
    if result not in Result.values:
        raise ValidationError({"result": _("Choose the result the objection leads to.")})
    Assessment.objects.filter(pk=objection.assessment_id).update(result=result)
    public_cache.changed()  # an update() sends no signal: the announcements read the results


@transaction.atomic
def finalise_due(*, cooperative_id, today=None):
    """Make final every announced assessment whose window has closed with no objection
    pending, recording the step on each. Returns how many. Three queries whatever the count
    (one when none is due): the daily task runs it for every cooperative."""
    today = today or timezone.localdate()
    due = Assessment.objects.filter(
        cooperative_id=cooperative_id, status=Status.ANNOUNCED, objections_until__lt=today
    ).exclude(objections__decision=AssessmentObjection.Decision.PENDING)
    ids = list(due.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    Assessment.objects.filter(pk__in=ids).update(status=Status.FINAL, finalised_at=now)
    public_cache.changed()  # an update() sends no signal: the announcements read the results
    StepEvent.objects.bulk_create(
        ASSESSMENT.event(
            Assessment(pk=pk, cooperative_id=cooperative_id, status=Status.FINAL),
            "finalise",
            actor=None,
            from_state=Status.ANNOUNCED,
            at=now,
        )
        for pk in ids
    )
    return len(ids)


def previous_period(today, months=12):
    """The ``months`` whole months before the current one."""
    end = today.replace(day=1) - timedelta(days=1)
    year, month = end.year, end.month - months + 1
    while month < 1:
        year, month = year - 1, month + 12
    return end.replace(year=year, month=month, day=1), end


class AssessmentInput(serializers.Serializer):
    """What the steps of an assessment ask for; each step reads only its own fields."""

    result = serializers.ChoiceField(
        Result.choices,
        label=gettext_lazy("assessment result"),
        required=False,
        allow_blank=True,
        default="",
        style={"required": True},
    )
    reason = step_text(gettext_lazy("reason"))


class ObjectionDecisionInput(serializers.Serializer):
    """What deciding an objection asks for: the decision, its reason, and for an upheld one
    the result it leads to."""

    upheld = serializers.BooleanField(
        label=gettext_lazy("decision"),
        required=False,
        default=False,
        style={"true": gettext_lazy("upheld"), "false": gettext_lazy("dismissed")},
    )
    reason = step_text(gettext_lazy("reason"))
    result = serializers.ChoiceField(
        Result.choices,
        label=gettext_lazy("assessment result"),
        required=False,
        allow_blank=True,
        default="",
    )


# Announcing and making final are steps of a whole period, taken by ``announce`` and
# ``finalise_due`` (the daily task), never on one assessment: declared for their events only.
PERIOD_WIDE = ()

ASSESSMENT = Workflow(
    name="assessment",
    model=Assessment,
    noun=gettext_lazy("an assessment"),
    input=AssessmentInput,
    steps=[
        step(
            "adjust",
            gettext_lazy("Adjust the result"),
            gettext_lazy("adjust the result of"),
            [Status.DRAFT],
            None,
            Party.ADMINISTRATOR,
            adjusted,
            fields=("result", "reason"),
        ),
        step(
            "announce",
            gettext_lazy("Announce"),
            gettext_lazy("announce"),
            PERIOD_WIDE,
            Status.ANNOUNCED,
            Party.ADMINISTRATOR,
        ),
        step(
            "object",
            gettext_lazy("Object"),
            gettext_lazy("object to"),
            [Status.ANNOUNCED],
            None,
            Party.MEMBER,
            objected,
            fields=("reason",),
        ),
        step(
            "finalise",
            gettext_lazy("Make final"),
            gettext_lazy("make final"),
            PERIOD_WIDE,
            Status.FINAL,
            (),
            done=gettext_lazy("made final"),
        ),
    ],
)

ASSESSMENT_OBJECTION = objections.objection_workflow(
    "assessment_objection",
    AssessmentObjection,
    noun=gettext_lazy("an objection to an assessment"),
    member_path="assessment__member",
    consequence=objection_decided,
    extra=("result",),
    input=ObjectionDecisionInput,
)

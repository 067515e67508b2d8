"""Commitment fulfilment assessment (承诺履行评价): worked out for every active member over a
period from its sampling verdicts, valid complaints and violations; reviewed by staff, who may
adjust a result with the reason; announced publicly (公示) with an objection window; objections
decided; then final, and shown on the member's public page."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import audit
from coop.transitions import locked
from credit.models import Announcement, Assessment, AssessmentObjection, Complaint, Violation
from members.models import Member
from members.services.errors import Refused
from testing_fund.models import Batch

Result, Status = Assessment.Result, Assessment.Status
OBJECTION_DAYS = 7


def per_member(rows, **counts):
    """``{member: {name: count}}`` from one grouped query."""
    return {
        row.pop("member"): row
        for row in rows.values("member").annotate(**counts).order_by("member")
    }


def judge(basis):
    """Not fulfilled: a serious violation, two failed samplings or three valid complaints;
    basically fulfilled: any failure, valid complaint or violation; else fulfilled."""
    if basis["serious"] or basis["failed"] >= 2 or basis["complaints"] >= 3:
        return Result.NOT_FULFILLED
    if basis["failed"] or basis["complaints"] or basis["violations"]:
        return Result.MOSTLY
    return Result.FULFILLED


@transaction.atomic
def assess(*, cooperative_id, start, end):
    """An assessment for every active member lacking one for the period; four queries."""
    batches = per_member(
        Batch.objects.filter(cooperative_id=cooperative_id, reported_on__range=(start, end)),
        sampled=Count("*"),
        failed=Count("passed", filter=Q(passed=False)),
    )
    complaints = per_member(
        Complaint.objects.filter(
            cooperative_id=cooperative_id,
            triage=Complaint.Triage.VALID,
            received_at__date__range=(start, end),
        ),
        complaints=Count("*"),
    )
    violations = per_member(
        Violation.objects.filter(cooperative_id=cooperative_id, occurred_on__range=(start, end)),
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


@transaction.atomic
def adjust(*, assessment, actor, result, reason):
    if result not in Result.values:
        raise ValidationError({"result": _("Choose a result.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    assessment = locked(assessment, Status.DRAFT, action=_("adjust the assessment"))
    before = assessment.result
    assessment.result, assessment.adjustment_reason = result, reason.strip()
    assessment.save(update_fields=["result", "adjustment_reason"])
    audit.record(
        instance=assessment,
        actor=actor,
        action="assessment_adjust",
        reason=reason.strip(),
        changes={"result": [before, result]},
    )
    return assessment


@transaction.atomic
def announce(*, cooperative, actor, start, end, days=OBJECTION_DAYS):
    """Publish the period's reviewed results for objections within ``days``."""
    drafts = Assessment.objects.filter(
        cooperative_id=cooperative.pk, period_start=start, period_end=end, status=Status.DRAFT
    )
    ids = list(drafts.select_for_update().values_list("pk", flat=True))  # no reviews meanwhile
    drafts = Assessment.objects.filter(pk__in=ids)
    counts = dict(drafts.values_list("result").annotate(n=Count("*")).order_by())
    if not counts:
        raise Refused(_("No assessment of this period awaits announcement."))
    until = timezone.localdate() + timedelta(days=days)
    announcement = Announcement.objects.create(
        cooperative=cooperative,
        title=_("Commitment fulfilment assessment %(start)s to %(end)s")
        % {"start": start, "end": end},
        body=_(
            "%(fulfilled)d member units fulfilled their quality commitments, %(mostly)d "
            "basically fulfilled them and %(not)d did not. Each result is on the member's "
            "page. A member may object until %(until)s."
        )
        % {
            "fulfilled": counts.get(Result.FULFILLED, 0),
            "mostly": counts.get(Result.MOSTLY, 0),
            "not": counts.get(Result.NOT_FULFILLED, 0),
            "until": until,
        },
    )
    drafts.update(status=Status.ANNOUNCED, announcement=announcement, objections_until=until)
    audit.record(instance=announcement, actor=actor, action="assessment_announce")
    return announcement


@transaction.atomic
def object_to(*, assessment, actor, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Say what you object to.")})
    assessment = locked(assessment, Status.ANNOUNCED, action=_("object to the assessment"))
    if timezone.localdate() > assessment.objections_until:
        raise Refused(
            _("Objections were open until %(date)s.") % {"date": assessment.objections_until}
        )
    if assessment.objections.filter(decision=AssessmentObjection.Decision.PENDING).exists():
        raise Refused(_("An objection to this assessment awaits its decision."))
    objection = AssessmentObjection.objects.create(
        cooperative_id=assessment.cooperative_id, assessment=assessment, reason=reason.strip()
    )
    audit.record(instance=assessment, actor=actor, action="assessment_objection")
    return objection


@transaction.atomic
def decide_objection(*, objection, actor, upheld, reason, result=""):
    """Decide an objection; upholding it sets the result the objection asked for."""
    objection = AssessmentObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.decision != AssessmentObjection.Decision.PENDING:
        raise Refused(_("This objection has been decided already."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if upheld and result not in Result.values:
        raise ValidationError({"result": _("Choose the result the objection leads to.")})
    decision = AssessmentObjection.Decision
    objection.decision = decision.UPHELD if upheld else decision.DISMISSED
    objection.decision_reason = reason.strip()
    objection.save(update_fields=["decision", "decision_reason"])
    assessment = objection.assessment
    changes = {}
    if upheld and result != assessment.result:
        changes = {"result": [assessment.result, result]}
        assessment.result = result
        assessment.save(update_fields=["result"])
    audit.record(
        instance=assessment,
        actor=actor,
        action="assessment_objection_decision",
        reason=reason.strip(),
        changes=changes,
    )
    return objection


def finalise_due(*, cooperative_id, today=None):
    """Make final every announced assessment whose window has closed with no objection
    pending. Returns how many."""
    today = today or timezone.localdate()
    due = Assessment.objects.filter(
        cooperative_id=cooperative_id, status=Status.ANNOUNCED, objections_until__lt=today
    ).exclude(objections__decision=AssessmentObjection.Decision.PENDING)
    return due.update(status=Status.FINAL, finalised_at=timezone.now())


def previous_period(today, months=12):
    """The ``months`` whole months before the current one."""
    end = today.replace(day=1) - timedelta(days=1)
    year, month = end.year, end.month - months + 1
    while month < 1:
        year, month = year - 1, month + 12
    return end.replace(year=year, month=month, day=1), end

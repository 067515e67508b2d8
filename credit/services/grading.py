"""Quality credit grades. Each factor gives a member a share (0 to 1) of the factor's weight;
the points add up to the score, and the cooperative's score bands turn it into AAA … D. The
grade keeps every factor's weight, share, points and what the share was read from, so anyone
can see why. A manual override is a new grade with the reason, declared in ``GRADE`` at the
bottom: its recorded event holds the grade before and after."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from coop import audit, periods
from coop.figures import grouped_by
from coop.roles import Party
from coop.signals import bulk_written
from coop.workflow import ANY, Workflow, step
from coop.workflow_api import step_text
from credit.grading_words import coded
from credit.models import (
    DEFAULT_BANDS,
    DEFAULT_WEIGHTS,
    Complaint,
    CreditGrade,
    Factor,
    ScoringModel,
    Violation,
)
from members.models import (
    Attendance,
    Certification,
    ConventionSignature,
    Honour,
    Member,
    TrainingRecord,
)
from members.services.convention import current_convention
from standards.models import Drafting, Standard
from testing_fund.models import Batch

GRADES = ["AAA", "AA", "A", "B", "C", "D"]
LENDING_GRADES = ["AAA", "AA", "A"]  # "A or better" for quality-based lending (质量贷)
# What a grade says, in words, for the member unit that holds it (its home page and the API).
MEANINGS = {
    "AAA": gettext_lazy("Excellent credit: quality kept to the standards with no fault found."),
    "AA": gettext_lazy("Very good credit: quality reliably kept to the standards."),
    "A": gettext_lazy("Good credit: quality kept to the standards, minor faults put right."),
    "B": gettext_lazy("Fair credit: quality mostly kept; some faults to put right."),
    "C": gettext_lazy("Poor credit: repeated faults; closer supervision follows."),
    "D": gettext_lazy("Very poor credit: serious faults; enforcement and exit may follow."),
}
TENTH = Decimal("0.1")


def scoring_model(cooperative_id):
    model, _created = ScoringModel.objects.get_or_create(
        cooperative_id=cooperative_id,
        defaults={"weights": dict(DEFAULT_WEIGHTS), "bands": dict(DEFAULT_BANDS)},
    )
    return model


@transaction.atomic
def change_model(*, model, actor, weights, bands, validity_days):
    """New weights and bands, checked: known factors, weights ≥ 0 adding up to 100, a band for
    every grade, falling from AAA to D = 0."""
    errors = {}
    if set(weights) - set(Factor.values) or any(w < 0 for w in weights.values()):
        errors["weights"] = _("Weights are for the listed factors and are 0 or more.")
    elif sum(weights.values()) != 100:
        errors["weights"] = _("The weights add up to %(total)s; they must add up to 100.") % {
            "total": sum(weights.values())
        }
    lows = [bands.get(grade) for grade in GRADES]
    if None in lows or lows != sorted(lows, reverse=True) or len(set(lows)) != 6 or lows[-1]:
        errors["bands"] = _("Give each grade its lowest score, falling from AAA to D, with D at 0.")
    # A grade is valid from its grading for this many days: its end must be a real date.
    if not 30 <= validity_days <= periods.MOST_DAYS:
        errors["validity_days"] = _("Give a validity from 30 to %(most)d days.") % {
            "most": periods.MOST_DAYS
        }
    if errors:
        raise ValidationError(errors)
    changes = {"weights": [model.weights, weights], "bands": [model.bands, bands]}
    model.weights, model.bands, model.validity_days = weights, bands, validity_days
    model.full_clean()
    model.save()
    audit.record(instance=model, actor=actor, action="scoring_model_change", changes=changes)
    return model


def grade_for(score, bands):
    return next(grade for grade in GRADES if score >= Decimal(bands[grade]))


def signals(cooperative_id, today):
    """What every factor reads, for all members at once: a dozen grouped queries."""
    two_years, one_year, three_years = (today - timedelta(days=d) for d in (730, 365, 1095))
    mandatory = Q(standard__level=Standard.Level.MANDATORY_NATIONAL)
    convention = current_convention(cooperative_id)
    return {
        "batches": grouped_by(
            # A re-test of a backup sample counts through the original, whose verdict follows it.
            Batch.objects.filter(cooperative_id=cooperative_id, reported_on__gte=two_years).exclude(
                kind=Batch.Kind.RETEST
            ),
            "member",
            total=Count("*"),
            passes=Count("passed", filter=Q(passed=True)),
            severe=Count("passed", filter=Q(passed=False) & mandatory),
        ),
        "complaints": grouped_by(
            Complaint.objects.filter(
                cooperative_id=cooperative_id,
                triage=Complaint.Triage.VALID,
                received_at__date__gte=one_year,
            ),
            "member",
            n=Count("*"),
        ),
        "violations": grouped_by(
            Violation.objects.filter(cooperative_id=cooperative_id, occurred_on__gte=two_years),
            "member",
            n=Count("*"),
            penalties=Count("outcome", filter=Q(outcome=Violation.Outcome.PENALTY)),
        ),
        "iso9001": set(
            Certification.objects.filter(
                cooperative_id=cooperative_id, scheme="iso9001", expires_on__gte=today
            ).values_list("member_id", flat=True)
        ),
        "honours": set(
            Honour.objects.filter(
                cooperative_id=cooperative_id, awarded_on__gte=three_years
            ).values_list("member_id", flat=True)
        ),
        "draftings": set(
            Drafting.objects.filter(
                cooperative_id=cooperative_id, year__gte=three_years.year
            ).values_list("member_id", flat=True)
        ),
        "trainings": grouped_by(
            TrainingRecord.objects.filter(cooperative_id=cooperative_id, on__gte=one_year),
            "person__member",
            n=Count("*"),
        ),
        "sessions": grouped_by(
            Attendance.objects.filter(cooperative_id=cooperative_id, session__on__gte=one_year),
            "person__member",
            n=Count("*"),
        ),
        "signed": set(
            ConventionSignature.objects.filter(convention=convention).values_list(
                "member_id", flat=True
            )
        )
        if convention
        else set(),
    }


def shares(member, data):
    """Each factor's share for one member, with what it was read from (a code and its counts,
    put in words by ``grading_words.why`` in the reader's language)."""
    batches = data["batches"].get(member, {"total": 0, "passes": 0, "severe": 0})
    complaints = data["complaints"].get(member, {"n": 0})["n"]
    violations = data["violations"].get(member, {"n": 0, "penalties": 0})
    trained = (
        data["trainings"].get(member, {"n": 0})["n"] + data["sessions"].get(member, {"n": 0})["n"]
    )
    total = batches["total"]
    return {
        # No batch in two years: nothing against the member, full share.
        Factor.PASS_RATE: (
            Decimal(batches["passes"]) / total if total else Decimal(1),
            coded("pass_rate", passed=batches["passes"], total=total),
        ),
        Factor.SEVERITY: (
            {0: Decimal(1), 1: Decimal("0.4")}.get(batches["severe"], Decimal(0)),
            coded("severity", count=batches["severe"]),
        ),
        Factor.COMPLAINTS: (
            {0: Decimal(1), 1: Decimal("0.5")}.get(complaints, Decimal(0)),
            coded("complaints", count=complaints),
        ),
        Factor.ENFORCEMENT: (
            Decimal(0)
            if violations["penalties"]
            else (Decimal("0.5") if violations["n"] else Decimal(1)),
            coded("enforcement", count=violations["n"], penalties=violations["penalties"]),
        ),
        Factor.CERTIFICATION: yes_no(member in data["iso9001"], "iso9001"),
        Factor.HONOURS: yes_no(member in data["honours"], "honours"),
        Factor.STANDARDS: yes_no(member in data["draftings"], "draftings"),
        Factor.TRAINING: (
            min(Decimal(1), Decimal(trained) / 2),
            coded("training", count=trained),
        ),
        Factor.CONVENTION: yes_no(member in data["signed"], "convention"),
    }


def yes_no(held, code):
    return (Decimal(1) if held else Decimal(0)), coded(code, held=held)


def explain(member, data, weights):
    """The factors of a member's grade: weight, share, points (to a tenth) and why."""
    rows = []
    for factor, (share, why) in shares(member, data).items():
        weight = Decimal(weights.get(factor, 0))
        points = (weight * share).quantize(TENTH, rounding=ROUND_HALF_UP)
        rows.append(
            {
                "factor": factor.value,
                "weight": str(weight),
                "share": str(share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
                "points": str(points),
                "why": why,
            }
        )
    return rows


@transaction.atomic
def grade_members(*, cooperative_id, today=None):
    """A grade for every active member not yet graded today; the score is the sum of the
    factors' points, so the explanation always adds up."""
    today = today or timezone.localdate()
    # Runs of one cooperative take turns on its scoring model's row, so a second run at once
    # (a task handed out twice) finds the first one's grades rather than adding its own.
    model = ScoringModel.objects.select_for_update().get(pk=scoring_model(cooperative_id).pk)
    data = signals(cooperative_id, today)
    graded = set(
        CreditGrade.objects.filter(cooperative_id=cooperative_id, valid_from=today).values_list(
            "member_id", flat=True
        )
    )
    members = Member.objects.filter(cooperative_id=cooperative_id, status=Member.Status.ACTIVE)
    # A grade dated later than ``today`` (a run for an earlier day) stays its member's newest.
    later = set(
        CreditGrade.objects.filter(cooperative_id=cooperative_id, valid_from__gt=today).values_list(
            "member_id", flat=True
        )
    )
    grades = []
    for member in members.values_list("pk", flat=True):
        if member in graded:
            continue
        factors = explain(member, data, model.weights)
        score = sum(Decimal(row["points"]) for row in factors)
        grade = grade_for(score, model.bands)
        grades.append(
            CreditGrade(
                cooperative_id=cooperative_id,
                member_id=member,
                grade=grade,
                computed_grade=grade,
                score=score,
                factors=factors,
                valid_from=today,
                valid_until=today + timedelta(days=model.validity_days),
                latest=member not in later,
            )
        )
    newest = [grade.member_id for grade in grades if grade.latest]
    for start in range(0, len(newest), 2000):
        CreditGrade.objects.filter(
            cooperative_id=cooperative_id, latest=True, member_id__in=newest[start : start + 2000]
        ).update(latest=False)
    created = CreditGrade.objects.bulk_create(grades, batch_size=2000)
    bulk_written.send(CreditGrade, cooperative_ids={cooperative_id})
    return created


# Entry points for code (other services, the demo data, tasks): like the services before the
# declarations, they leave the role to their callers; pages and the API take steps through
# the declaration, which checks it.
def override(*, grade, actor, new_grade, reason):
    return GRADE.take(
        "override", grade, actor=actor, check_who=False, new_grade=new_grade, reason=reason
    )


def overridden(grade, *, actor, new_grade, reason):
    """Set a member's grade by hand: a new grade row keeping the computed one and its factors,
    with the reason."""
    if new_grade not in GRADES:
        raise ValidationError({"new_grade": _("Choose one of AAA, AA, A, B, C, D.")})
    if not reason.strip():
        raise ValidationError({"reason": _("An override needs its reason; it is audited.")})
    today = timezone.localdate()
    # Grade changes of a cooperative take turns on its scoring model's row (as grading runs
    # do), so two at once cannot both leave their grade the member's newest.
    ScoringModel.objects.select_for_update().get(pk=scoring_model(grade.cooperative_id).pk)
    # Saving it makes it the member's newest grade (CreditGrade.save).
    return CreditGrade.objects.create(
        cooperative_id=grade.cooperative_id,
        member_id=grade.member_id,
        grade=new_grade,
        computed_grade=grade.computed_grade or grade.grade,
        score=grade.score,
        factors=grade.factors,
        override_reason=reason.strip(),
        valid_from=today,
        valid_until=max(grade.valid_until, today + timedelta(days=1)),
    )


def current_grades(today=None):
    """Each member's newest grade, when it is valid ``today``: a queryset for lists, read off the
    partial indexes on ``latest`` rather than a subquery per row.

    Before ``latest``, a member whose newest grade was not valid that day fell back to an older
    one still valid. That can happen only when the cooperative shortened its grades' validity
    between two gradings (an override keeps at least the replaced grade's end), and the newest
    grading is the one that counts: once it runs out, the member has no grade in force until
    the next grading, rather than the one that grading replaced."""
    today = today or timezone.localdate()
    return CreditGrade.objects.filter(latest=True, valid_from__lte=today, valid_until__gte=today)


class GradeInput(serializers.Serializer):
    new_grade = serializers.ChoiceField(
        GRADES, label=gettext_lazy("grade"), required=False, allow_blank=True, default=""
    )
    reason = step_text(gettext_lazy("reason"))


# A grade has no status: an override starts from any grade and leaves the row as it was (a
# grade is history), making a new one; its event runs from the old letter to the new.
GRADE = Workflow(
    name="credit_grade",
    model=CreditGrade,
    noun=gettext_lazy("a credit grade"),
    input=GradeInput,
    state_field="grade",
    steps=[
        step(
            "override",
            gettext_lazy("Override the grade"),
            gettext_lazy("override"),
            ANY,
            None,
            Party.ADMINISTRATOR,
            overridden,
            fields=("new_grade", "reason"),
        ),
    ],
)

"""Enforcement: inspections, violations with "light or no punishment for a first offence"
(首违不罚: a member's first minor violation within the policy's period is a warning, a repeat
or a serious one the penalty), rectification orders with deadlines and reminders, and exit
proposals when a threshold is reached, which an administrator decides. The steps of orders and
proposals are declared once, in ``ORDER`` and ``EXIT_PROPOSAL`` at the bottom."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from coop import audit, services
from coop.models import User
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from credit.grading_words import coded
from credit.models import (
    EnforcementPolicy,
    ExitProposal,
    Inspection,
    RectificationOrder,
    Violation,
)
from credit.services.grading import current_grades
from members.models import Member
from members.services import lifecycle
from testing_fund.models import Batch


def policy(cooperative_id):
    found, _created = EnforcementPolicy.objects.get_or_create(cooperative_id=cooperative_id)
    return found


def record_inspection(*, member, actor, **fields):
    return services.create_owned(
        Inspection, cooperative=member.cooperative, actor=actor, member=member, **fields
    )


def outcome_of(member, severity, occurred_on):
    """Warning or penalty, and why, for a new violation of ``member``."""
    days = policy(member.cooperative_id).leniency_days
    earlier = (
        Violation.objects.filter(member=member, occurred_on__gte=occurred_on - timedelta(days=days))
        .order_by("-occurred_on")
        .first()
    )
    # Kept as a code and its figures; ``grading_words.outcome`` says it in the reader's language.
    if severity == Violation.Severity.SERIOUS:
        return Violation.Outcome.PENALTY, coded("serious")
    if earlier:
        return Violation.Outcome.PENALTY, coded(
            "repeat", date=earlier.occurred_on.isoformat(), days=days
        )
    return Violation.Outcome.WARNING, coded("first_minor", days=days)


@transaction.atomic
def record_violation(
    *,
    member,
    actor,
    kind,
    severity,
    legal_clause,
    occurred_on,
    inspection=None,
    penalty_amount=None,
):
    violation = Violation(
        cooperative_id=member.cooperative_id,
        member=member,
        inspection=inspection,
        kind=kind,
        severity=severity,
        legal_clause=legal_clause,
        occurred_on=occurred_on,
        penalty_amount=penalty_amount,
    )
    # What was asked is checked first (its date in range before any sum of days with it).
    violation.full_clean(exclude=["outcome", "outcome_reason", "outcome_why"])
    outcome, why = outcome_of(member, severity, occurred_on)
    if outcome == Violation.Outcome.WARNING:
        violation.penalty_amount = None  # a first offence is not fined, whatever was proposed
    violation.outcome, violation.outcome_why, violation.outcome_reason = outcome, why, ""
    violation.save()
    audit.record(
        instance=violation,
        actor=actor,
        action=f"violation_{outcome}",
        reason=violation.outcome_said,
    )
    return violation


@transaction.atomic
def order_rectification(*, violation, actor, requirement, deadline):
    if deadline <= timezone.localdate():
        raise ValidationError({"deadline": _("The deadline must be after today.")})
    order = RectificationOrder(
        cooperative_id=violation.cooperative_id,
        violation=violation,
        requirement=requirement,
        deadline=deadline,
    )
    order.full_clean()
    order.save()
    audit.record(instance=violation, actor=actor, action="rectification_order")
    return order


# Entry points for code (other services, the demo data, tasks): like the services before the
# declarations, they leave the role to their callers; pages and the API take steps through
# the declaration, which checks it.
def mark_rectified(*, order, actor):
    return ORDER.take("done", order, actor=actor, check_who=False)


def rectified(order, *, actor):
    order.done_on = timezone.localdate()


@transaction.atomic
def remind_overdue(*, cooperative_id, today=None):
    """Mail the members whose rectification orders are overdue, once a day at most. The orders
    are claimed before the mail goes: a second run at once waits on their rows and then finds
    them reminded, and a send that fails leaves them to be reminded by the next run."""
    today = today or timezone.localdate()
    overdue = RectificationOrder.objects.filter(
        cooperative_id=cooperative_id, status=RectificationOrder.Status.OPEN, deadline__lt=today
    ).exclude(reminded_on=today)
    rows = list(
        overdue.select_for_update(of=("self",)).values_list(
            "pk", "violation__member", "deadline", "requirement"
        )
    )
    RectificationOrder.objects.filter(pk__in=[row[0] for row in rows]).update(reminded_on=today)
    addresses = {}
    for member, email in (
        User.objects.filter(member__in={row[1] for row in rows})
        .exclude(email="")
        .values_list("member_id", "email")
    ):
        addresses.setdefault(member, []).append(email)
    messages = [
        (
            _("Rectification overdue since %(date)s") % {"date": deadline},
            _("The rectification ordered is overdue: %(requirement)s") % {"requirement": text},
            settings.DEFAULT_FROM_EMAIL,
            addresses[member],
        )
        for _pk, member, deadline, text in rows
        if member in addresses
    ]
    send_mass_mail(messages, fail_silently=False)
    return len(rows)


def propose_exits(*, cooperative_id, today=None):
    """An exit proposal for each member that reached a threshold (a D grade, or the policy's
    number of failed samplings in a year) and has none open. Returns the new proposals."""
    today = today or timezone.localdate()
    limit = policy(cooperative_id).failed_samplings_for_exit
    grounds = {}
    for member in (
        current_grades(today)
        .filter(cooperative_id=cooperative_id, grade="D")
        .values_list("member_id", flat=True)
    ):
        grounds.setdefault(member, []).append(coded("grade_d"))
    failures = (
        Batch.objects.filter(
            cooperative_id=cooperative_id,
            passed=False,
            reported_on__gte=today - timedelta(days=365),
        )
        .values("member")
        .annotate(n=Count("*"))
        .filter(n__gte=limit)
        .order_by()
    )
    for row in failures:
        grounds.setdefault(row["member"], []).append(coded("failed_samplings", count=row["n"]))
    open_ = set(
        ExitProposal.objects.filter(
            cooperative_id=cooperative_id, status=ExitProposal.Status.PROPOSED
        ).values_list("member_id", flat=True)
    )
    active = set(
        Member.objects.filter(
            pk__in=grounds, status__in=[Member.Status.ACTIVE, Member.Status.SUSPENDED]
        ).values_list("pk", flat=True)
    )
    return ExitProposal.objects.bulk_create(
        ExitProposal(cooperative_id=cooperative_id, member_id=member, grounds=reasons)
        for member, reasons in sorted(grounds.items())
        if member in active and member not in open_
    )


def decide_exit(*, proposal, actor, accept, reason):
    return EXIT_PROPOSAL.take(
        "decide", proposal, actor=actor, check_who=False, accept=accept, reason=reason
    )


def exit_decided(proposal, *, actor, accept, reason):
    """Accepting is the member's expulsion in its lifecycle; dismissing keeps it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if accept:
        # The portal takes the member's step on the administrator's decision of the proposal.
        lifecycle.MEMBER.take(
            "exit",
            proposal.member,
            actor=actor,
            check_who=False,
            reason=reason.strip(),
            exit_kind=lifecycle.ExitKind.EXPULSION,
            decision_date=timezone.localdate(),
        )
    proposal.status = ExitProposal.Status.ACCEPTED if accept else ExitProposal.Status.DISMISSED
    proposal.decision_reason, proposal.decided_at = reason.strip(), timezone.now()


def deciding(proposal):
    """Said before the decision: accepting is the member's exit (``lifecycle.exiting``)."""
    return _("Accepting expels the member. %(exit)s Dismissing keeps it.") % {
        "exit": lifecycle.exiting(proposal.member)
    }


class OrderInput(serializers.Serializer):
    """Marking an order rectified asks for nothing: it is done today."""


class ExitInput(serializers.Serializer):
    accept = serializers.BooleanField(
        label=gettext_lazy("decision"),
        required=False,
        default=False,
        style={
            "true": gettext_lazy("accept: the member exits"),
            "false": gettext_lazy("dismiss"),
        },
    )
    reason = step_text(gettext_lazy("reason"), line=True)


ORDER = Workflow(
    name="rectification_order",
    model=RectificationOrder,
    noun=gettext_lazy("a rectification order"),
    input=OrderInput,
    member_path="violation__member",
    steps=[
        step(
            "done",
            gettext_lazy("Mark rectified"),
            gettext_lazy("mark as rectified"),
            [RectificationOrder.Status.OPEN],
            RectificationOrder.Status.RECTIFIED,
            Party.ADMINISTRATOR,
            rectified,
        ),
    ],
)

EXIT_PROPOSAL = Workflow(
    name="exit_proposal",
    model=ExitProposal,
    noun=gettext_lazy("an exit proposal"),
    input=ExitInput,
    related=("member",),
    steps=[
        step(
            "decide",
            gettext_lazy("Decide"),
            gettext_lazy("decide on"),
            [ExitProposal.Status.PROPOSED],
            {ExitProposal.Status.ACCEPTED, ExitProposal.Status.DISMISSED},
            Party.ADMINISTRATOR,
            exit_decided,
            fields=("accept", "reason"),
            destructive=True,
            consequence=deciding,
        ),
    ],
)

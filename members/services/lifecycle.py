"""A member's lifecycle: apply → under review → approved or rejected → active (on signing the
convention) → suspended and reinstated → exited. Each step is a recorded transition."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop import documents
from coop.models import Document
from members.models import Member, MemberEvent
from members.services.errors import Refused

Status = Member.Status


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    label: str
    needs_reason: bool = False


TRANSITIONS = {
    "review": Transition(
        frozenset({Status.APPLIED}), Status.UNDER_REVIEW, gettext_lazy("start the review of")
    ),
    "approve": Transition(
        frozenset({Status.UNDER_REVIEW}), Status.APPROVED, gettext_lazy("approve")
    ),
    "reject": Transition(
        frozenset({Status.UNDER_REVIEW}), Status.REJECTED, gettext_lazy("reject"), True
    ),
    "activate": Transition(frozenset({Status.APPROVED}), Status.ACTIVE, gettext_lazy("activate")),
    "suspend": Transition(
        frozenset({Status.ACTIVE}), Status.SUSPENDED, gettext_lazy("suspend"), True
    ),
    "reinstate": Transition(
        frozenset({Status.SUSPENDED}), Status.ACTIVE, gettext_lazy("reinstate")
    ),
    "exit": Transition(
        frozenset({Status.APPROVED, Status.ACTIVE, Status.SUSPENDED}),
        Status.EXITED,
        gettext_lazy("record the exit of"),
        True,
    ),
}
# Staff move members by these verbs; "activate" happens when a member signs the convention.
STAFF_VERBS = ["review", "approve", "reject", "suspend", "reinstate", "exit"]


def allowed_verbs(member):
    return [verb for verb in STAFF_VERBS if member.status in TRANSITIONS[verb].sources]


@transaction.atomic
def transition(*, member, verb, actor, reason="", exit_kind="", decision_date=None):
    """Move ``member`` by ``verb``; refuse, saying why, when its status does not allow it."""
    rule = TRANSITIONS[verb]
    locked = Member.objects.select_for_update().get(pk=member.pk)
    previous = locked.status
    if previous not in rule.sources:
        allowed = "、".join(str(Status(s).label) for s in sorted(rule.sources))
        raise Refused(
            _("Cannot %(action)s a member unit that is %(status)s: only one that is %(allowed)s.")
            % {"action": rule.label, "status": locked.get_status_display(), "allowed": allowed}
        )
    reason = reason.strip()
    check_details(rule, verb, reason, exit_kind, decision_date)
    locked.status = rule.target
    if rule.target == Status.ACTIVE and locked.joined_on is None:
        locked.joined_on = timezone.localdate()
    if verb == "exit":
        locked.exited_on = decision_date
        documents.revoke(
            Document.objects.filter(member=locked), _("The member unit left the cooperative.")
        )
    locked.save(update_fields=["status", "joined_on", "exited_on"])
    MemberEvent.objects.create(
        cooperative_id=locked.cooperative_id,
        member=locked,
        verb=verb,
        from_status=previous,
        to_status=rule.target,
        actor=actor if actor and actor.is_authenticated else None,
        reason=reason,
        exit_kind=exit_kind,
        decision_date=decision_date,
    )
    return locked


def check_details(rule, verb, reason, exit_kind, decision_date):
    errors = {}
    if rule.needs_reason and not reason:
        errors["reason"] = _("Give the reason: it is recorded and shown in the member's history.")
    if verb == "exit":
        if exit_kind not in MemberEvent.ExitKind.values:
            errors["exit_kind"] = _("Say whether the member withdrew or was expelled.")
        if decision_date is None:
            errors["decision_date"] = _("Give the date of the exit decision.")
        elif decision_date > timezone.localdate():
            errors["decision_date"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def record_application(*, member, actor):
    """The first line of a member's history: it applied (or staff entered it)."""
    MemberEvent.objects.create(
        cooperative_id=member.cooperative_id,
        member=member,
        verb="apply",
        to_status=member.status,
        actor=actor if actor and actor.is_authenticated else None,
    )

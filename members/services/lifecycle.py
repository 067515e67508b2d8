"""A member's lifecycle: apply → under review → approved or rejected → active (on signing the
convention) → suspended and reinstated → exited. Every step is declared once, in ``MEMBER`` at
the bottom; the functions above it are the bodies of the steps that do more than move the
status."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from coop import documents, periods, reasons
from coop.models import Document
from coop.roles import Party
from coop.workflow import Workflow, step
from members.models import Convention, ConventionSignature, Member

Status = Member.Status


class ExitKind(models.TextChoices):
    WITHDRAWAL = "withdrawal", gettext_lazy("voluntary withdrawal")
    EXPULSION = "expulsion", gettext_lazy("expulsion")


class LifecycleInput(serializers.Serializer):
    """What the steps of a member's lifecycle ask for; each step reads only its own fields."""

    reason = serializers.CharField(
        label=gettext_lazy("reason"), required=False, allow_blank=True, default=""
    )
    exit_kind = serializers.ChoiceField(
        label=gettext_lazy("kind of exit"),
        choices=ExitKind.choices,
        required=False,
        allow_blank=True,
        default="",
    )
    decision_date = periods.DateField(
        label=gettext_lazy("decision date"), required=False, allow_null=True, default=None
    )


def reason_required(reason):
    if not reason.strip():
        return {"reason": _("Give the reason: it is recorded and shown in the member's history.")}
    return {}


def refuse_without_reason(member, *, actor, reason=""):
    errors = reason_required(reason)
    if errors:
        raise ValidationError(errors)


def join(member, *, actor, reason=""):
    # The first activation dates the joining; a reinstatement keeps that date (and dates a
    # unit entered before the portal without one).
    if member.joined_on is None:
        member.joined_on = timezone.localdate()


def leave(member, *, actor, reason="", exit_kind="", decision_date=None):
    """The exit: its kind and decision date are recorded, and the member's documents (its
    convention certificate) are revoked, so public verification no longer shows them valid."""
    errors = reason_required(reason)
    if exit_kind not in ExitKind.values:
        errors["exit_kind"] = _("Say whether the member withdrew or was expelled.")
    if decision_date is None:
        errors["decision_date"] = _("Give the date of the exit decision.")
    elif decision_date > timezone.localdate():
        errors["decision_date"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    member.exited_on = decision_date
    documents.revoke(Document.objects.filter(member=member), reasons.Coded(reasons.MEMBER_LEFT))


# What each destructive step will do, said on the member's page before it is taken (beside the
# "I understand" box). Each reads only the row; the effects are those of the bodies above and of
# the lists that show only active units (the public credit list, testing requests).
def rejecting(member):
    return _(
        "The application of “%(name)s” will be rejected for good; the reason is recorded in its "
        "history."
    ) % {"name": member.name}


def suspending(member):
    return _(
        "“%(name)s” will be suspended: it leaves the public credit list until it is reinstated; "
        "the reason is recorded in its history."
    ) % {"name": member.name}


def exiting(member):
    return _(
        "“%(name)s” will leave the cooperative: its convention certificate is revoked (public "
        "verification shows it no longer valid), it leaves the public credit list and can no "
        "longer request tests."
    ) % {"name": member.name}


def signed_the_current_convention():
    """Whether the unit has signed its cooperative's current convention, as a condition on the
    row. The plain base managers build it at import, outside any scope; it reads only the
    signatures of the row itself and the conventions of the row's own cooperative."""
    current = (
        Convention._base_manager.filter(cooperative=OuterRef("cooperative"))
        .order_by("-version")
        .values("pk")[:1]
    )
    return Q(
        Exists(
            ConventionSignature._base_manager.filter(
                member=OuterRef("pk"), convention=Subquery(current)
            )
        )
    )


STAFF = Party.ADMINISTRATOR

MEMBER = Workflow(
    name="member",
    model=Member,
    noun=gettext_lazy("member unit"),
    input=LifecycleInput,
    steps=[
        step(
            "apply",
            gettext_lazy("Apply to join"),
            gettext_lazy("apply to join"),
            (),  # recorded when the row is made: an application, or staff entering a unit
            Status.APPLIED,
            STAFF,
        ),
        # Recorded once for each unit an import brings in (members.services.imports): it lands
        # in the status its row gives, with the history it had before the portal.
        step(
            "import",
            gettext_lazy("Import"),
            gettext_lazy("import"),
            (),
            [Status.APPLIED, Status.ACTIVE, Status.SUSPENDED, Status.EXITED],
            STAFF,
            done=gettext_lazy("Imported with its history"),
        ),
        step(
            "review",
            gettext_lazy("Start the review"),
            gettext_lazy("start the review of"),
            [Status.APPLIED],
            Status.UNDER_REVIEW,
            STAFF,
        ),
        step(
            "approve",
            gettext_lazy("Approve"),
            gettext_lazy("approve"),
            [Status.UNDER_REVIEW],
            Status.APPROVED,
            STAFF,
        ),
        step(
            "reject",
            gettext_lazy("Reject"),
            gettext_lazy("reject"),
            [Status.UNDER_REVIEW],
            Status.REJECTED,
            STAFF,
            refuse_without_reason,
            fields=("reason",),
            required=("reason",),
            destructive=True,
            consequence=rejecting,
        ),
        # The convention service takes it when an approved unit signs. Nobody makes a unit
        # active without a signature: by hand, only once it has signed (which did it already).
        step(
            "activate",
            gettext_lazy("Activate"),
            gettext_lazy("activate"),
            [Status.APPROVED],
            Status.ACTIVE,
            STAFF,
            join,
            when=signed_the_current_convention(),
            when_refused=gettext_lazy(
                "An approved member unit becomes active when it signs the convention."
            ),
            done=gettext_lazy("Sign the convention"),
        ),
        step(
            "suspend",
            gettext_lazy("Suspend"),
            gettext_lazy("suspend"),
            [Status.ACTIVE],
            Status.SUSPENDED,
            STAFF,
            refuse_without_reason,
            fields=("reason",),
            required=("reason",),
            destructive=True,
            consequence=suspending,
        ),
        step(
            "reinstate",
            gettext_lazy("Reinstate"),
            gettext_lazy("reinstate"),
            [Status.SUSPENDED],
            Status.ACTIVE,
            STAFF,
            join,
            fields=("reason",),
        ),
        step(
            "exit",
            gettext_lazy("Record the exit"),
            gettext_lazy("record the exit of"),
            [Status.APPROVED, Status.ACTIVE, Status.SUSPENDED],
            Status.EXITED,
            STAFF,
            leave,
            fields=("reason", "exit_kind", "decision_date"),
            required=("reason", "exit_kind", "decision_date"),
            destructive=True,
            consequence=exiting,
        ),
    ],
)

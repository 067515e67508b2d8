"""A quality commitment's way: drafted by the member (or staff for it) → submitted → published
by staff, or returned with a note → withdrawn. A published commitment gets a certificate from
the document pipeline; publishing a new one withdraws the member's previous one. Every step is
declared once, in ``COMMITMENT`` at the bottom; the functions above it are their bodies."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from coop import audit, documents
from coop.errors import Refused
from coop.models import Document
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from credit.models import Commitment
from credit.tasks import issue_commitment_certificate
from members.models import Member

Status = Commitment.Status
FIELDS = ("products", "standards", "guarantees", "valid_from", "valid_until")
EDITABLE = (Status.DRAFT, Status.RETURNED)


def check_period(commitment):
    if commitment.valid_until <= commitment.valid_from:
        raise ValidationError({"valid_until": _("The commitment must end after it starts.")})


@transaction.atomic
def draft(*, member, actor, **fields):
    if member.status != Member.Status.ACTIVE:
        raise Refused(_("Only an active member unit publishes a quality commitment."))
    commitment = Commitment(cooperative_id=member.cooperative_id, member=member, **fields)
    commitment.full_clean()
    check_period(commitment)
    commitment.save()
    COMMITMENT.record(commitment, "draft", actor=actor)
    return commitment


@transaction.atomic
def revise(*, commitment, actor, **fields):
    """An edit, not a step: allowed while the commitment is with the member."""
    commitment = COMMITMENT.lock(commitment)
    if commitment.status not in EDITABLE:
        COMMITMENT.refuse_state(REVISING, commitment.status)
    for name, value in fields.items():
        setattr(commitment, name, value)
    commitment.full_clean()
    check_period(commitment)
    commitment.save()
    audit.record(instance=commitment, actor=actor, action="commitment_revise")
    return commitment


# Entry points for code (other services, the demo data, tasks): like the services before the
# declarations, they leave the role to their callers; pages and the API take steps through
# the declaration, which checks it.
def submit(*, commitment, actor):
    return COMMITMENT.take("submit", commitment, actor=actor, check_who=False)


def return_for_changes(*, commitment, actor, note):
    return COMMITMENT.take("return", commitment, actor=actor, check_who=False, note=note)


def publish(*, commitment, actor):
    return COMMITMENT.take("publish", commitment, actor=actor, check_who=False)


def withdraw(*, commitment, actor, reason):
    return COMMITMENT.take("withdraw", commitment, actor=actor, check_who=False, reason=reason)


def returned(commitment, *, actor, note):
    if not note.strip():
        raise ValidationError({"note": _("Say what must change: the member reads it.")})
    commitment.review_note = note.strip()


def published(commitment, *, actor):
    """The member's earlier published commitment is withdrawn, and the certificate issued."""
    if commitment.expired:
        raise Refused(_("The commitment's validity has ended; the member must revise it."))
    earlier = Commitment.objects.filter(member=commitment.member_id, status=Status.PUBLISHED)
    for previous in earlier:
        COMMITMENT.take(
            "withdraw",
            previous,
            actor=actor,
            check_who=False,
            reason=str(_("replaced by a new commitment")),
        )
    commitment.published_at = timezone.now()
    issue_commitment_certificate.delay_on_commit(commitment.cooperative_id, commitment.pk)


def withdrawn(commitment, *, actor, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: it is shown with the commitment.")})
    documents.revoke(
        Document.objects.filter(kind=Document.Kind.COMMITMENT_CERTIFICATE, source_id=commitment.pk),
        reason.strip(),
    )
    commitment.review_note = reason.strip()


def withdrawing(commitment):
    return _(
        "The commitment of “%(member)s” leaves the public registry and its certificate is "
        "revoked (public verification shows it no longer valid); the reason is shown with it."
    ) % {"member": commitment.member.name}


class CommitmentInput(serializers.Serializer):
    """What the steps of a commitment ask for; each step reads only its own fields."""

    note = step_text(gettext_lazy("what must change"))
    reason = step_text(gettext_lazy("reason"))


# Staff may draft (and revise) a commitment for a member unit; the unit submits it.
MEMBER_OR_STAFF = (Party.MEMBER, Party.ADMINISTRATOR)
STAFF = Party.ADMINISTRATOR

COMMITMENT = Workflow(
    name="commitment",
    model=Commitment,
    noun=gettext_lazy("a quality commitment"),
    input=CommitmentInput,
    steps=[
        # Recorded when the row is made by ``draft``.
        step(
            "draft",
            gettext_lazy("Draft the commitment"),
            gettext_lazy("draw up"),
            (),
            Status.DRAFT,
            MEMBER_OR_STAFF,
            done=gettext_lazy("drafted"),
        ),
        step(
            "submit",
            gettext_lazy("Submit for review"),
            gettext_lazy("submit"),
            EDITABLE,
            Status.SUBMITTED,
            Party.MEMBER,
        ),
        step(
            "publish",
            gettext_lazy("Publish"),
            gettext_lazy("publish"),
            [Status.SUBMITTED],
            Status.PUBLISHED,
            STAFF,
            published,
        ),
        step(
            "return",
            gettext_lazy("Return for changes"),
            gettext_lazy("return"),
            [Status.SUBMITTED],
            Status.RETURNED,
            STAFF,
            returned,
            fields=("note",),
            reason="note",
        ),
        step(
            "withdraw",
            gettext_lazy("Withdraw"),
            gettext_lazy("withdraw"),
            [Status.PUBLISHED],
            Status.WITHDRAWN,
            STAFF,
            withdrawn,
            fields=("reason",),
            destructive=True,
            consequence=withdrawing,
        ),
    ],
)

# Not a step (the status stays): named only so a refused edit reads like a refused step.
REVISING = step(
    "revise", gettext_lazy("Edit"), gettext_lazy("change"), EDITABLE, None, MEMBER_OR_STAFF
)

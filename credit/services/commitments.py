"""A quality commitment's way: drafted by the member (or staff for it) → submitted → published
by staff, or returned with a note → withdrawn. A published commitment gets a certificate from
the document pipeline; publishing a new one withdraws the member's previous one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import audit, documents, transitions
from coop.models import Document
from coop.transitions import locked
from credit.models import Commitment
from members.models import Member
from members.services.errors import Refused

Status = Commitment.Status
FIELDS = ("products", "standards", "guarantees", "valid_from", "valid_until")


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
    audit.record(instance=commitment, actor=actor, action="commitment_draft")
    return commitment


@transaction.atomic
def revise(*, commitment, actor, **fields):
    commitment = locked(commitment, Status.DRAFT, Status.RETURNED, action=_("change it"))
    for name, value in fields.items():
        setattr(commitment, name, value)
    commitment.full_clean()
    check_period(commitment)
    commitment.save()
    audit.record(instance=commitment, actor=actor, action="commitment_revise")
    return commitment


def move(commitment, status, actor, action, reason="", fields=()):
    return transitions.move(commitment, status, actor, f"commitment_{action}", reason, fields)


@transaction.atomic
def submit(*, commitment, actor):
    commitment = locked(commitment, Status.DRAFT, Status.RETURNED, action=_("submit it"))
    return move(commitment, Status.SUBMITTED, actor, "submit")


@transaction.atomic
def return_for_changes(*, commitment, actor, note):
    if not note.strip():
        raise ValidationError({"note": _("Say what must change: the member reads it.")})
    commitment = locked(commitment, Status.SUBMITTED, action=_("return it"))
    commitment.review_note = note.strip()
    return move(commitment, Status.RETURNED, actor, "return", note.strip(), ["review_note"])


@transaction.atomic
def publish(*, commitment, actor):
    """Publish it, withdraw the member's earlier published one, and issue the certificate."""
    from credit.tasks import issue_commitment_certificate

    commitment = locked(commitment, Status.SUBMITTED, action=_("publish it"))
    if commitment.expired:
        raise Refused(_("The commitment's validity has ended; the member must revise it."))
    earlier = Commitment.objects.filter(member=commitment.member_id, status=Status.PUBLISHED)
    for previous in earlier:
        withdraw(commitment=previous, actor=actor, reason=_("replaced by a new commitment"))
    commitment.published_at = timezone.now()
    move(commitment, Status.PUBLISHED, actor, "publish", fields=["published_at"])
    issue_commitment_certificate.delay_on_commit(commitment.cooperative_id, commitment.pk)
    return commitment


@transaction.atomic
def withdraw(*, commitment, actor, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: it is shown with the commitment.")})
    commitment = locked(commitment, Status.PUBLISHED, action=_("withdraw it"))
    documents.revoke(
        Document.objects.filter(kind=Document.Kind.COMMITMENT_CERTIFICATE, source_id=commitment.pk),
        reason.strip(),
    )
    commitment.review_note = reason.strip()
    return move(commitment, Status.WITHDRAWN, actor, "withdraw", reason.strip(), ["review_note"])

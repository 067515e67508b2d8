"""A quality commitment's way: drafted by the member (or staff for it) → submitted → published
by staff, or returned with a note → withdrawn. A published commitment gets a certificate from
the document pipeline. A member keeps several commitments in force, one per product scope
(四件套, 蚕丝被 …): a new one replaces only those its member names (``replaces``, none by
default), and publishing it withdraws exactly those, as the publish step says beforehand.
Every step is declared once, in ``COMMITMENT`` at the bottom; the functions above it are
their bodies."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from coop import audit, documents, reasons
from coop.errors import Refused
from coop.models import Document
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from credit.models import Commitment, CommitmentReplacement
from credit.tasks import issue_commitment_certificate
from members.models import Member
from standards.codes import normalise
from standards.models import Standard
from standards.selectors import visible_standards

Status = Commitment.Status
FIELDS = ("products", "standards", "guarantees", "valid_from", "valid_until")
EDITABLE = (Status.DRAFT, Status.RETURNED)


# The codes a commitment lists are written one after another, separated as people write them.
SEPARATORS = re.compile(r"[、,，;；\n]+")


OUT_OF_FORCE = (Standard.Status.SUPERSEDED, Standard.Status.WITHDRAWN)


def declared_codes(text):
    return [normalise(code) for code in SEPARATORS.split(text) if code.strip()]


def check_standards(commitment):
    """Each standard the member declares is one of the catalogue's, in force or coming into
    force: an unknown code is refused naming the field, a superseded one naming what replaced
    it (a member keeps the current version). The one check, for drafts and revisions alike."""
    codes = declared_codes(commitment.standards)
    known = {
        standard.code: standard
        for standard in visible_standards({commitment.cooperative_id}).filter(code__in=codes)
    }
    for code in codes:
        standard = known.get(code)
        if standard is None:
            message = _("“%(code)s” is not in the standards catalogue: pick one of its codes.")
        elif standard.status not in OUT_OF_FORCE:
            continue
        elif standard.superseded_by:  # withdrawn when replaced, as most are: name the successor
            message = _("%(code)s is superseded by %(successor)s: declare the current version.")
        else:
            message = _("%(code)s has been withdrawn: declare a standard in force.")
        successor = standard.superseded_by.code if standard and standard.superseded_by else ""
        raise ValidationError({"standards": message % {"code": code, "successor": successor}})


def check_period(commitment):
    if commitment.valid_until <= commitment.valid_from:
        raise ValidationError({"valid_until": _("The commitment must end after it starts.")})


def in_force_of(member, today=None):
    """The member's published commitments in force today: those a new one may replace."""
    today = today or timezone.localdate()
    return Commitment.objects.filter(
        cooperative_id=member.cooperative_id,
        member=member,
        status=Status.PUBLISHED,
        valid_from__lte=today,
        valid_until__gte=today,
    )


def check_replaces(member, replaces):
    """The commitments ``replaces`` names (rows or ids), each one of ``member``'s own in force;
    anything else is refused naming the field. Another member's or another cooperative's id
    reads like one that does not exist: the refusal tells nothing about it."""
    ids = []
    for each in replaces or ():
        value = each.pk if isinstance(each, Commitment) else each
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {"replaces": _("“%(value)s” is not a commitment number.") % {"value": each}}
            ) from None
        if value not in ids:
            ids.append(value)
    if not ids:
        return []
    found = {row.pk: row for row in in_force_of(member).filter(pk__in=ids)}
    for value in ids:
        if value not in found:
            raise ValidationError(
                {
                    "replaces": _(
                        "Commitment no. %(ref)s is not one of this member unit's commitments "
                        "in force: a new commitment replaces only its own published ones."
                    )
                    % {"ref": value}
                }
            )
    return [found[value] for value in ids]


def link_replaced(commitment, replaced):
    CommitmentReplacement.objects.filter(commitment=commitment).delete()
    CommitmentReplacement.objects.bulk_create(
        CommitmentReplacement(
            cooperative_id=commitment.cooperative_id, commitment=commitment, replaced=old
        )
        for old in replaced
    )


@transaction.atomic
def draft(*, member, actor, replaces=(), **fields):
    """A new commitment of ``member``; ``replaces``: those of its commitments in force it
    replaces once published (none by default: the others stay in force beside it)."""
    if member.status != Member.Status.ACTIVE:
        raise Refused(_("Only an active member unit publishes a quality commitment."))
    commitment = Commitment(cooperative_id=member.cooperative_id, member=member, **fields)
    commitment.full_clean()
    check_period(commitment)
    check_standards(commitment)
    replaced = check_replaces(member, replaces)
    commitment.save()
    link_replaced(commitment, replaced)
    COMMITMENT.record(commitment, "draft", actor=actor)
    return commitment


@transaction.atomic
def revise(*, commitment, actor, replaces=None, **fields):
    """An edit, not a step: allowed while the commitment is with the member. ``replaces``
    given (even empty) sets what it replaces; left out, it stays as it was."""
    commitment = COMMITMENT.lock(commitment)
    if commitment.status not in EDITABLE:
        COMMITMENT.refuse_state(REVISING, commitment.status)
    for name, value in fields.items():
        setattr(commitment, name, value)
    commitment.full_clean()
    check_period(commitment)
    check_standards(commitment)
    replaced = None if replaces is None else check_replaces(commitment.member, replaces)
    commitment.save()
    if replaced is not None:
        link_replaced(commitment, replaced)
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


def to_withdraw(commitment):
    """What publishing ``commitment`` withdraws: those its member said it replaces, still
    published. Nothing else: the member's other commitments stay in force beside it."""
    return commitment.replaces.filter(status=Status.PUBLISHED).order_by("pk")


def published(commitment, *, actor):
    """The commitments the member said this one replaces are withdrawn (their certificates
    revoked, the reason naming this one), and its certificate issued."""
    if commitment.expired:
        raise Refused(_("The commitment's validity has ended; the member must revise it."))
    for previous in to_withdraw(commitment):
        COMMITMENT.take(
            "withdraw",
            previous,
            actor=actor,
            check_who=False,
            reason=reasons.Coded.of(reasons.COMMITMENT_REPLACED_BY, commitment.pk),
        )
    commitment.published_at = timezone.now()
    issue_commitment_certificate.delay_on_commit(commitment.cooperative_id, commitment.pk)


def described(commitment):
    return _("no. %(ref)s (%(products)s, valid until %(until)s)") % {
        "ref": commitment.pk,
        "products": commitment.products,
        "until": commitment.valid_until.isoformat(),
    }


def publishing(commitment):
    """Said before staff confirm the publication: what it replaces (withdrawn, certificates
    revoked) and what stays in force beside it."""
    withdrawn_ones = list(to_withdraw(commitment))
    staying = in_force_of(commitment.member).exclude(pk__in=[row.pk for row in withdrawn_ones])
    said = [
        _(
            "The commitment goes into the public registry and its certificate is issued; "
            "it cannot be taken back, only withdrawn."
        )
    ]
    if withdrawn_ones:
        said.append(
            _(
                "As the member asked, it replaces %(list)s: withdrawn from the registry, "
                "certificate revoked."
            )
            % {"list": _("; ").join(described(row) for row in withdrawn_ones)}
        )
    else:
        said.append(_("It replaces none of the member's commitments."))
    staying = list(staying.order_by("pk"))
    if staying:
        said.append(
            _("These stay in force beside it: %(list)s.")
            % {"list": _("; ").join(described(row) for row in staying)}
        )
    # Chinese sentences follow one another without a space; English ones with one.
    space = "" if (translation.get_language() or "").startswith("zh") else " "
    return space.join(str(part) for part in said)


def withdrawn(commitment, *, actor, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: it is shown with the commitment.")})
    # The portal's own reason stays a code (on the certificate and the history, in the reader's
    # language); the review note is for what a person wrote, so it stays empty then.
    coded = isinstance(reason, reasons.Coded)
    documents.revoke(
        Document.objects.filter(kind=Document.Kind.COMMITMENT_CERTIFICATE, source_id=commitment.pk),
        reason if coded else reason.strip(),
    )
    commitment.review_note = "" if coded else reason.strip()


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
            # Publishing may withdraw commitments in force: staff read which, and confirm.
            destructive=True,
            consequence=publishing,
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

"""A complaint's way: filed by anyone (no login) with an optional purchase evidence file →
triaged by staff (valid, invalid or a duplicate, with the reason; an invalid or duplicate one
is closed there) → answered by the member → resolved by staff. The complainant follows it by
its tracking code; the contact they leave is for staff only. Every step is declared once, in
``COMPLAINT`` at the bottom; the functions above it are their bodies."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from coop.errors import Refused
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from credit.models import Complaint
from credit.tasks import tell_member_of_valid_complaint
from members.models import Member

Status, Triage = Complaint.Status, Complaint.Triage
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
PER_HOUR = 5  # complaints one address may file an hour, on the page and through the API
HANDLING_DAYS = Complaint.HANDLING_DAYS  # calendar days from receipt (``expected_by``)
# What an evidence file may be, told by its first bytes, never by its name or declared type.
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
]


def evidence_type(content):
    """The content type and extension of an accepted evidence file, or a refusal that says
    what is accepted."""
    if len(content) > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            {
                "evidence": _("The file is %(size)s MB; the limit is %(limit)d MB.")
                % {
                    "size": f"{len(content) / 1024 / 1024:.1f}",
                    "limit": MAX_EVIDENCE_BYTES // 1024 // 1024,
                }
            }
        )
    for magic, content_type, extension in SIGNATURES:
        if content.startswith(magic):
            return content_type, extension
    raise ValidationError(
        {"evidence": _("The file must be a JPEG or PNG photo or a PDF; this one is not.")}
    )


@transaction.atomic
def file_complaint(*, member, product, description, contact="", evidence=None):
    """File a complaint; ``evidence`` is the uploaded file's bytes or None."""
    if member.status != Member.Status.ACTIVE:
        raise Refused(_("Complaints are taken about active member units."))
    complaint = Complaint(
        cooperative_id=member.cooperative_id,
        member=member,
        product=product.strip(),
        description=description.strip(),
        contact=contact.strip(),
    )
    complaint.full_clean(exclude=["evidence"])
    if evidence:
        complaint.evidence_type, extension = evidence_type(evidence)
        complaint.evidence.save(
            f"{complaint.tracking_code}.{extension}", ContentFile(evidence), save=False
        )
    complaint.save()
    COMPLAINT.record(complaint, "file", actor=None)
    return complaint


# Entry points for code (other services, the demo data, tasks): like the services before the
# declarations, they leave the role to their callers; pages and the API take steps through
# the declaration, which checks it.
def triage(*, complaint, actor, verdict, reason, duplicate_of=None):
    return COMPLAINT.take(
        "triage",
        complaint,
        actor=actor,
        check_who=False,
        verdict=verdict,
        reason=reason,
        duplicate_of=duplicate_of,
    )


def answer(*, complaint, actor, text):
    return COMPLAINT.take("answer", complaint, actor=actor, check_who=False, text=text)


def resolve(*, complaint, actor, resolution):
    return COMPLAINT.take("resolve", complaint, actor=actor, check_who=False, resolution=resolution)


def triaged(complaint, *, actor, verdict, reason, duplicate_of=None):
    """``duplicate_of``: the id of the same member's earlier complaint, for a duplicate. Only a
    valid complaint waits for the member's answer; any other is resolved by its triage."""
    if verdict not in (Triage.VALID, Triage.INVALID, Triage.DUPLICATE):
        raise ValidationError({"verdict": _("Choose valid, invalid or duplicate.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the complainant reads it.")})
    if verdict == Triage.DUPLICATE:
        original = (
            Complaint.objects.filter(pk=duplicate_of, member=complaint.member_id)
            .exclude(pk=complaint.pk)
            .first()
        )
        if original is None:
            raise ValidationError(
                {"duplicate_of": _("Give the number of the member's complaint this one repeats.")}
            )
        complaint.duplicate_of = original
    complaint.triage, complaint.triage_reason = verdict, reason.strip()
    complaint.status = Status.TRIAGED
    if verdict == Triage.VALID:  # the member is told, by its home and by mail (once)
        tell_member_of_valid_complaint.delay_on_commit(complaint.cooperative_id, complaint.pk)
    if verdict != Triage.VALID:  # nothing for the member to answer
        complaint.status, complaint.resolution = Status.RESOLVED, reason.strip()
        complaint.resolved_at = timezone.now()


def answered(complaint, *, actor, text):
    if not text.strip():
        raise ValidationError({"text": _("Write the answer.")})
    complaint.answer = text.strip()


def resolved(complaint, *, actor, resolution):
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the complaint was resolved.")})
    complaint.resolution, complaint.resolved_at = resolution.strip(), timezone.now()


class ComplaintInput(serializers.Serializer):
    """What the steps of a complaint ask for; each step reads only its own fields."""

    verdict = serializers.ChoiceField(
        [choice for choice in Triage.choices if choice[0] != Triage.PENDING],
        label=gettext_lazy("triage"),
        required=False,
        allow_blank=True,
        default="",
        style={"required": True},
    )
    reason = step_text(gettext_lazy("reason"))
    duplicate_of = serializers.IntegerField(
        label=gettext_lazy("repeats complaint no."), required=False, allow_null=True, default=None
    )
    text = step_text(gettext_lazy("your answer"))
    resolution = step_text(gettext_lazy("resolution"))


STAFF = Party.ADMINISTRATOR

COMPLAINT = Workflow(
    name="complaint",
    model=Complaint,
    noun=gettext_lazy("a complaint"),
    input=ComplaintInput,
    steps=[
        # Recorded when anyone files it (no login): ``file_complaint`` makes the row.
        step(
            "file",
            gettext_lazy("File the complaint"),
            gettext_lazy("lodge"),
            (),
            Status.RECEIVED,
            (),
            done=gettext_lazy("complaint received"),
        ),
        step(
            "triage",
            gettext_lazy("Triage"),
            gettext_lazy("triage"),
            [Status.RECEIVED],
            {Status.TRIAGED, Status.RESOLVED},
            STAFF,
            triaged,
            fields=("verdict", "reason", "duplicate_of"),
        ),
        step(
            "answer",
            gettext_lazy("Send the answer to the complaint"),
            gettext_lazy("send the answer to"),
            [Status.TRIAGED],
            Status.ANSWERED,
            Party.MEMBER,
            answered,
            fields=("text",),
            reason="text",
        ),
        step(
            "resolve",
            gettext_lazy("Resolve"),
            gettext_lazy("resolve"),
            [Status.TRIAGED, Status.ANSWERED],
            Status.RESOLVED,
            STAFF,
            resolved,
            fields=("resolution",),
            reason="resolution",
        ),
    ],
)

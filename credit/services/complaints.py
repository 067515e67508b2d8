"""A complaint's way: filed by anyone (no login) with an optional purchase evidence file →
triaged by staff (valid, invalid or a duplicate, with the reason; an invalid or duplicate one
is closed there) → answered by the member → resolved by staff. The complainant follows it by
its tracking code; the contact they leave is for staff only."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import audit
from coop.transitions import locked
from credit.models import Complaint
from members.models import Member
from members.services.errors import Refused

Status, Triage = Complaint.Status, Complaint.Triage
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
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
    audit.record(instance=complaint, actor=None, action="complaint_file")
    return complaint


@transaction.atomic
def triage(*, complaint, actor, verdict, reason, duplicate_of=None):
    """``duplicate_of``: the id of the same member's earlier complaint, for a duplicate."""
    if verdict not in (Triage.VALID, Triage.INVALID, Triage.DUPLICATE):
        raise ValidationError({"verdict": _("Choose valid, invalid or duplicate.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the complainant reads it.")})
    complaint = locked(complaint, Status.RECEIVED, action=_("triage the complaint"))
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
    if verdict != Triage.VALID:  # nothing for the member to answer
        complaint.status, complaint.resolution = Status.RESOLVED, reason.strip()
        complaint.resolved_at = timezone.now()
    complaint.save()
    audit.record(instance=complaint, actor=actor, action="complaint_triage", reason=reason)
    return complaint


@transaction.atomic
def answer(*, complaint, actor, text):
    if not text.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    complaint = locked(complaint, Status.TRIAGED, action=_("answer the complaint"))
    complaint.answer, complaint.status = text.strip(), Status.ANSWERED
    complaint.save(update_fields=["answer", "status"])
    audit.record(instance=complaint, actor=actor, action="complaint_answer")
    return complaint


@transaction.atomic
def resolve(*, complaint, actor, resolution):
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the complaint was resolved.")})
    complaint = locked(
        complaint, Status.TRIAGED, Status.ANSWERED, action=_("resolve the complaint")
    )
    complaint.resolution, complaint.resolved_at = resolution.strip(), timezone.now()
    complaint.status = Status.RESOLVED
    complaint.save(update_fields=["resolution", "resolved_at", "status"])
    audit.record(instance=complaint, actor=actor, action="complaint_resolve")
    return complaint

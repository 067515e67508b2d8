import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import attachments, audit, documents, periods
from coop.errors import Refused
from coop.models import Attachment, Document
from members.models import Convention, ConventionSignature, Member
from members.services import lifecycle
from members.tasks import issue_convention_certificate

# Who may sign: an approved unit signs to become active; members re-sign new versions.
MAY_SIGN = {Member.Status.APPROVED, Member.Status.ACTIVE, Member.Status.SUSPENDED}


def current_convention(cooperative_id):
    return Convention.objects.filter(cooperative_id=cooperative_id).order_by("-version").first()


@transaction.atomic
def members_to_sign_again(cooperative_id):
    """How many member units adopting a new version leaves unsigned (every one that may sign):
    said before the administrator confirms the adoption."""
    return Member.objects.filter(cooperative_id=cooperative_id, status__in=MAY_SIGN).count()


def convention_adopt(*, cooperative, actor, **fields):
    """Adopt the next version; every member must then sign it anew (derived from signatures)."""
    latest = Convention.objects.filter(cooperative=cooperative).aggregate(v=Max("version"))["v"]
    convention = Convention(
        cooperative=cooperative, version=(latest or 0) + 1, adopted_by=actor, **fields
    )
    convention.full_clean()
    convention.save()
    audit.record(instance=convention, actor=actor, action="convention_adopt")
    return convention


@transaction.atomic
def convention_sign(*, member, actor, signer_name, signer_position, ip_address=None):
    """The member signs the current version; an approved unit becomes active by it."""
    convention = current_convention(member.cooperative_id)
    if convention is None:
        raise Refused(_("The cooperative has not adopted a convention yet."))
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in MAY_SIGN:
        raise Refused(
            _("A member unit that is %(status)s cannot sign the convention.")
            % {"status": member.get_status_display()}
        )
    if ConventionSignature.objects.filter(convention=convention, member=member).exists():
        raise Refused(
            _("This member unit has already signed version %(version)s of the convention.")
            % {"version": convention.version}
        )
    signature = ConventionSignature(
        cooperative_id=member.cooperative_id,
        convention=convention,
        member=member,
        signer_name=signer_name,
        signer_position=signer_position,
        signed_by=actor,
        ip_address=ip_address,
    )
    signature.full_clean()
    signature.save()
    if member.status == Member.Status.APPROVED:
        lifecycle.MEMBER.take("activate", member, actor=actor, check_who=False)
    documents.supersede(
        Document.objects.filter(member=member, kind=Document.Kind.CONVENTION_CERTIFICATE)
    )
    issue_convention_certificate.delay_on_commit(member.cooperative_id, signature.pk)
    return signature


# A paper signature's scan: what it may be, told by its first bytes as well as its name.
SCAN_SIGNATURES = {
    "pdf": b"%PDF-",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
}
MAX_SCAN_BYTES = 5 * 1024 * 1024


def paper_time(day):
    """A paper signature's date as the moment it is kept: noon that day, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def check_scan(scan):
    """A PDF, JPG or PNG file of at most 5 MB whose content is what its name says, and is
    whole: the image or PDF opens (``coop.attachments``)."""
    extension = scan.name.rsplit(".", 1)[-1].lower() if "." in scan.name else ""
    if extension not in SCAN_SIGNATURES:
        raise ValidationError({"scan": _("Upload the scan as a PDF, JPG or PNG file.")})
    if not scan.size:
        raise ValidationError({"scan": _("The scan is empty.")})
    if scan.size > MAX_SCAN_BYTES:
        raise ValidationError({"scan": _("The scan is larger than 5 MB.")})
    scan.seek(0)
    head = scan.read(8)
    scan.seek(0)
    if not head.startswith(SCAN_SIGNATURES[extension]):
        raise ValidationError(
            {
                "scan": _("This file is not the %(type)s its name says: upload the scan itself.")
                % {"type": extension.upper()}
            }
        )
    attachments.check(scan, Attachment.Purpose.SIGNATURE_SCAN, "scan")


@transaction.atomic
def paper_signature_record(
    *, member, actor, signed_on, signer_name, signer_position, scan, version=None
):
    """Staff record a signature made on paper, with its scan: no signing account, no address.
    ``version`` is the convention's (by default the current one). A paper signature recorded
    without its scan (an import's) gets the scan; any other signature of that version is a
    refusal. An approved unit becomes active by it, as by signing on the portal."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in MAY_SIGN:
        raise Refused(
            _("A member unit that is %(status)s cannot sign the convention.")
            % {"status": member.get_status_display()}
        )
    current = current_convention(member.cooperative_id)
    if current is None:
        raise Refused(_("The cooperative has not adopted a convention yet."))
    convention = current
    if version is not None and version != current.version:
        convention = Convention.objects.filter(
            cooperative_id=member.cooperative_id, version=version
        ).first()
        if convention is None:
            raise ValidationError(
                {
                    "version": _("The cooperative has no version %(version)s of the convention.")
                    % {"version": version}
                }
            )
    periods.check_dates(signed_on=signed_on)
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The date cannot be in the future.")})
    check_scan(scan)
    signature = ConventionSignature.objects.filter(convention=convention, member=member).first()
    if signature is not None and not (signature.on_paper and not signature.scan):
        raise Refused(
            _("This member unit has already signed version %(version)s of the convention.")
            % {"version": convention.version}
        )
    made = signature is None
    if made:
        signature = ConventionSignature(
            cooperative_id=member.cooperative_id, convention=convention, member=member
        )
    signature.on_paper = True
    signature.signer_name = signer_name
    signature.signer_position = signer_position
    signature.signed_at = paper_time(signed_on)
    signature.recorded_by = actor
    signature.full_clean(exclude=["scan", "signed_by"])
    signature.save()
    # The scan is kept as an attachment of the signature (its type, size and SHA-256, who
    # uploaded it), and the signature points at the same file.
    scanned = attachments.attach(signature, Attachment.Purpose.SIGNATURE_SCAN, scan, actor, "scan")
    signature.scan.name = scanned.file.name
    signature.save(update_fields=["scan"])
    if member.status == Member.Status.APPROVED and convention == current:
        lifecycle.MEMBER.take("activate", member, actor=actor, check_who=False)
    if made and convention == current:  # a scan added to a signature changes no certificate
        documents.supersede(
            Document.objects.filter(member=member, kind=Document.Kind.CONVENTION_CERTIFICATE)
        )
        issue_convention_certificate.delay_on_commit(member.cooperative_id, signature.pk)
    audit.record(
        instance=signature,
        actor=actor,
        action="paper_signature_record",
        changes={"version": convention.version, "signed_on": signed_on.isoformat()},
    )
    return signature

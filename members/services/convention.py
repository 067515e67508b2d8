from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from coop import audit, documents
from coop.errors import Refused
from coop.models import Document
from members.models import Convention, ConventionSignature, Member
from members.services import lifecycle
from members.tasks import issue_convention_certificate

# Who may sign: an approved unit signs to become active; members re-sign new versions.
MAY_SIGN = {Member.Status.APPROVED, Member.Status.ACTIVE, Member.Status.SUSPENDED}


def current_convention(cooperative_id):
    return Convention.objects.filter(cooperative_id=cooperative_id).order_by("-version").first()


@transaction.atomic
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

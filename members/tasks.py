from coop import documents
from coop.celery import tenant_task
from coop.models import Document
from members.models import ConventionSignature, Member
from members.pdf import convention_certificate_html


@tenant_task
def issue_convention_certificate(cooperative_id, signature_id):
    """Issue the certificate of a convention signature; a rerun returns the same one."""
    signature = ConventionSignature.objects.select_related("member__cooperative", "convention").get(
        pk=signature_id
    )
    member, convention = signature.member, signature.convention
    document = documents.issue(
        kind=Document.Kind.CONVENTION_CERTIFICATE,
        source_id=signature.pk,
        member=member,
        public_details={
            "member": member.name,
            "identifier": member.identifier,
            "cooperative": member.cooperative.name_zh,
            # The title is the cooperative's words; the version is said in the reader's
            # language on the verification page.
            "convention": convention.title,
            "version": convention.version,
            "adopted_on": convention.adopted_on.isoformat(),
            "signed_on": signature.signed_at.date().isoformat(),
        },
        render=lambda document: convention_certificate_html(document, signature),
    )
    return document.number


@tenant_task
def send_account_invitation(cooperative_id, member_id):
    """Mail a unit's contact the link to set up its account. A rerun after a crash may send the
    link twice, which is harmless: every copy works until the account exists."""
    from members.services import accounts

    member = Member.objects.select_related("cooperative").filter(pk=member_id).first()
    return bool(member) and accounts.send_invitation(member)

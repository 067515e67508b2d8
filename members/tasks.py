from coop import documents
from coop.celery import tenant_task
from coop.models import Document
from members.models import ConventionSignature
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
            "convention": f"{convention.title}（第 {convention.version} 版）",
            "adopted_on": convention.adopted_on.isoformat(),
            "signed_on": signature.signed_at.date().isoformat(),
        },
        render=lambda document: convention_certificate_html(document, signature),
    )
    return document.number

from coop import documents


def convention_certificate_html(document, signature):
    """The certificate a member hangs on the wall."""
    return documents.render_html(
        "members/convention_certificate.html",
        document,
        signature=signature,
        member=signature.member,
        convention=signature.convention,
        cooperative=signature.member.cooperative,
    )

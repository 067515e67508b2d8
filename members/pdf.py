from django.template.loader import render_to_string
from django.utils import translation

from coop import documents


def convention_certificate_html(document, signature):
    """The certificate's HTML, always in Chinese: it is the document a member hangs on the wall."""
    url = documents.verification_url(document.number)
    with translation.override("zh-hans"):
        return render_to_string(
            "members/convention_certificate.html",
            {
                "document": document,
                "signature": signature,
                "member": signature.member,
                "convention": signature.convention,
                "cooperative": signature.member.cooperative,
                "verification_url": url,
                "qr": documents.qr_data_uri(url),
            },
        )

"""coop's own page: anyone holding a document verifies it by its verification code. The pages
that read the apps (home, dashboard, annual reports) are supervision's (``supervision/views.py``)."""

from django.shortcuts import redirect, render

from coop import attachments
from coop.access import role_required
from coop.verification import find_document, is_code


def verify(request, code):
    """Anyone checks a certificate or report by the code its QR code leads to. A number, an
    unknown code or a mistyped one all get the same answer: no such code, and a form for one."""
    document = find_document(code)
    return render(
        request,
        "coop/verify.html",
        {"document": document, "asked": True},
        status=200 if document else 404,
    )


def verify_lookup(request):
    """The verification form: a code typed in (as printed on the paper) leads to its page."""
    code = request.GET.get("code", "").strip()
    if is_code(code):
        return redirect("verify", code=code)
    return render(
        request,
        "coop/verify.html",
        {"document": None, "asked": bool(code)},
        status=404 if code else 200,
    )


@role_required(lambda user: user.is_authenticated)
def attachment_download(request, coop_slug, pk):
    """A file attached to a row, for those who may see the row (its app says who): a photo of
    a sample, rectification evidence, a signature's scan. Anyone else gets a 404."""
    return attachments.response(request.user, pk)

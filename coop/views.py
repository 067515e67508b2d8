"""coop's own page: anyone verifies a document by its number. The pages that read the apps
(home, dashboard, annual reports) are supervision's (``supervision/views.py``)."""

from django.shortcuts import render

from coop.verification import find_document


def verify(request, number):
    """Anyone checks a certificate or report by its number (the QR code leads here)."""
    document = find_document(number)
    if document is not None and not document.file:
        document = None
    return render(
        request,
        "coop/verify.html",
        {"document": document, "number": number},
        status=200 if document else 404,
    )

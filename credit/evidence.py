"""A complaint's purchase evidence as a download, for the staff's page and the API alike: always
an attachment of the type checked from its content when it was filed, never shown inline."""

from django.http import FileResponse, Http404


def evidence_response(complaint):
    if not complaint.evidence:
        raise Http404
    return FileResponse(
        complaint.evidence.open("rb"),
        as_attachment=True,
        filename=complaint.evidence.name.rsplit("/", 1)[-1],
        content_type=complaint.evidence_type,
    )

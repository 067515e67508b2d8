"""The document pipeline: numbered, QR-coded, hashed PDFs that anyone holding them can verify.

Every certificate and report goes through ``issue``: it allocates ``<CODE>-<YEAR>-<SEQ>``
and a random verification code, renders HTML to an A4 PDF with WeasyPrint, stores the file and
its SHA-256, and does nothing more when the same source is issued again, so a rerun of its task
yields the same document. The QR code and the printed address carry the verification code, not
the number: numbers are sequential, and a number alone must not open a document.
"""

import base64
import hashlib
import mimetypes
from io import BytesIO

import qrcode
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from coop import public_cache, reasons
from coop.models import Document, DocumentSequence

# Documents see the portal under this address; the fetcher maps its /static/ to files on disk.
DOCUMENT_BASE_URL = "http://portal.document/"


def verification_url(code):
    """The public verification page of the document with this verification code."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("verify", args=[code])


def qr_data_uri(text):
    """A PNG QR code of ``text`` as a data: URI, to embed in a document. A bitmap, drawn with
    crisp pixels, renders in a fraction of the time of an SVG path of every module."""
    image = qrcode.make(text, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class StaticOnlyFetcher(URLFetcher):
    """Give a document the portal's own static files and data: URIs, and fetch nothing else:
    no request leaves the machine while a document renders, and a refusal stops the render."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "http"}, fail_on_errors=True)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        static_prefix = DOCUMENT_BASE_URL + settings.STATIC_URL.lstrip("/")
        path = static_file(url[len(static_prefix) :]) if url.startswith(static_prefix) else None
        if not path:
            raise ValueError(f"A document may only use the portal's static files, not {url}")
        with open(path, "rb") as file:
            body = file.read()
        return URLFetcherResponse(url, body, {"Content-Type": mimetypes.guess_type(path)[0]})


def render_html(template, document, **context):
    """A document's HTML, always in Chinese (it is the paper of record), with the address and
    QR code of its public verification, which carry the document's verification code."""
    url = verification_url(document.code)
    with translation.override("zh-hans"):
        return render_to_string(
            template,
            {"document": document, "verification_url": url, "qr": qr_data_uri(url), **context},
        )


def static_file(name):
    """The file behind a static name: the source (development) or the collected copy, whose
    name carries its hash when the manifest storage serves production."""
    if found := finders.find(name):
        return found
    return staticfiles_storage.path(name) if staticfiles_storage.exists(name) else None


def render_pdf(html):
    fetcher = StaticOnlyFetcher()
    return HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher).write_pdf()


def next_number(cooperative, year):
    sequence, _ = DocumentSequence.objects.get_or_create(cooperative=cooperative, year=year)
    DocumentSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return f"{cooperative.code}-{year}-{sequence.last:05d}"


def issue(*, kind, source_id, member, public_details, render, edition=1, replaces=None):
    """The document of ``kind`` for ``source_id`` (its ``edition``), made once;
    ``render(document)`` gives its HTML. A later edition names the document it ``replaces``."""
    with transaction.atomic():
        # One issuer at a time per member: a rerun or a racing worker waits, then finds the file.
        # The member's own model class locks it: coop imports no app.
        type(member).objects.select_for_update().filter(pk=member.pk).first()
        document = Document.objects.filter(
            cooperative_id=member.cooperative_id, kind=kind, source_id=source_id, edition=edition
        ).first()
        if document is None:
            document = Document.objects.create(
                cooperative_id=member.cooperative_id,
                kind=kind,
                source_id=source_id,
                edition=edition,
                replaces=replaces,
                member=member,
                number=next_number(member.cooperative, timezone.localdate().year),
                public_details=public_details,
            )
        if not document.file:
            # An edition numbered ahead (``amend``) gets its public details as it is rendered.
            document.public_details = public_details
            pdf = render_pdf(render(document))
            document.sha256 = hashlib.sha256(pdf).hexdigest()
            document.file.save(f"{document.number}.pdf", ContentFile(pdf), save=False)
            document.save(update_fields=["file", "sha256", "public_details"])
    return document


def amend(document, *, reason, public_details):
    """A new edition of ``document`` replacing it, numbered now and rendered later by its
    kind's task (``issue`` finds the edition and renders its file): the old one is marked
    superseded with ``reason``, which its verification shows beside the new number. Both stay
    in the archive. Runs in the caller's transaction, under its lock of the source."""
    reason = reason.strip()
    document = Document.objects.select_for_update().get(pk=document.pk)
    newest = (
        Document.objects.filter(
            cooperative_id=document.cooperative_id,
            kind=document.kind,
            source_id=document.source_id,
        )
        .order_by("-edition")
        .first()
    )
    if newest.pk != document.pk:
        raise ValueError(f"{document.number} is not the newest edition: {newest.number} is")
    amended = Document.objects.create(
        cooperative_id=document.cooperative_id,
        kind=document.kind,
        source_id=document.source_id,
        edition=document.edition + 1,
        replaces=document,
        member_id=document.member_id,
        number=next_number(document.cooperative, timezone.localdate().year),
        public_details=public_details,
    )
    document.superseded_at = document.superseded_at or timezone.now()
    document.superseded_reason = reason
    document.save(update_fields=["superseded_at", "superseded_reason"])
    return amended


def supersede(documents):
    """Mark documents replaced by a newer one (a newer convention version was signed)."""
    public_cache.changed()  # an update() sends no signal: verification and member pages read it
    return documents.filter(superseded_at=None, revoked_at=None).update(
        superseded_at=timezone.now()
    )


def revoke(documents, reason):
    """Withdraw documents, e.g. when their member exits the cooperative. A ``reasons.Coded``
    reason is kept as its code (words in the reader's language); a typed one as text."""
    if isinstance(reason, reasons.Coded):
        coded = {"revoked_code": reason.code, "revoked_reason": ""}
    else:
        coded = {"revoked_code": "", "revoked_reason": reason}
    public_cache.changed()  # an update() sends no signal: verification and member pages read it
    return documents.filter(revoked_at=None).update(revoked_at=timezone.now(), **coded)

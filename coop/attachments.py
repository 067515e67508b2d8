"""Files a person attaches to a row: photos of the sample and its seal at sampling, evidence
with a rectification answer, the scan of a paper signature (``coop.models.Attachment``).

- ``check(uploaded, purpose, field)`` tells a file's type from its content, never from its
  name or the type the browser declared: an image is opened and verified with Pillow, a PDF is
  opened with pdfium. A file of another type, an empty one or one over
  ``settings.ATTACHMENT_MAX_BYTES`` is refused naming the field and the rule.
- ``attach_all(row, purpose, files, actor, field)`` checks every file first and only then
  stores them, each with its SHA-256: a refusal writes nothing, neither a row nor a file.
- Who may see a row's files is its app's to say: coop imports no app, so each app registers,
  in its ``AppConfig.ready()``, for each kind of row (``"<app>.<model>"``) a function
  ``may_see(user, target_id)``. A file is served only to those (``response``), as an
  attachment of its checked type; anyone else gets the 404 of a file that does not exist.
"""

import hashlib
import io
import uuid

import pypdfium2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image

from coop.models import Attachment

Purpose = Attachment.Purpose

# The types a file may be, told by its content: (content type, extension, name for people).
JPEG = ("image/jpeg", "jpg", "JPEG")
PNG = ("image/png", "png", "PNG")
WEBP = ("image/webp", "webp", "WebP")
PDF = ("application/pdf", "pdf", "PDF")
PHOTOS = (JPEG, PNG, WEBP)
ALLOWED = {
    Purpose.SAMPLE_PHOTO: PHOTOS,
    Purpose.SEAL_PHOTO: PHOTOS,
    Purpose.RECTIFICATION_EVIDENCE: (*PHOTOS, PDF),
    Purpose.SIGNATURE_SCAN: (JPEG, PNG, PDF),
    Purpose.INFRINGEMENT_EVIDENCE: (*PHOTOS, PDF),
}
# Pillow's name of each image format it verifies.
IMAGE_FORMATS = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP}
# Files one field of one step takes at once.
MAX_FILES = 6


def max_bytes():
    return settings.ATTACHMENT_MAX_BYTES


def rule(purpose):
    """What a field of ``purpose`` takes, in words: "JPEG, PNG or WebP, at most 5 MB"."""
    names = [kind[2] for kind in ALLOWED[purpose]]
    kinds = (
        names[0]
        if len(names) == 1
        else _("%(some)s or %(last)s")
        % {
            "some": ", ".join(names[:-1]),
            "last": names[-1],
        }
    )
    return _("%(kinds)s, at most %(size)s MB") % {"kinds": kinds, "size": megabytes(max_bytes())}


def megabytes(size):
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def read(uploaded):
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    return content


def content_kind(content):
    """The (content type, extension, name) the content shows, or None: an image Pillow opens
    and verifies whole, or a PDF pdfium opens with at least one page."""
    if content.startswith(b"%PDF-"):
        try:
            pdf = pypdfium2.PdfDocument(content)
        except pypdfium2.PdfiumError:
            return None
        try:
            return PDF if len(pdf) > 0 else None
        finally:
            pdf.close()
    try:
        with Image.open(io.BytesIO(content)) as image:
            found = IMAGE_FORMATS.get(image.format)
            image.verify()  # a broken or cut-off file raises
        return found
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a file that is no image
        return None


def check(uploaded, purpose, field):
    """The kind of ``uploaded`` (content type, extension, name), or a ValidationError on
    ``field`` saying the rule."""
    name = display_name(uploaded)
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError({field: _("“%(name)s” is empty.") % {"name": name}})
    if size > max_bytes():
        raise ValidationError(
            {
                field: _("“%(name)s” is %(size)s MB; a file here is %(rule)s.")
                % {"name": name, "size": megabytes(size), "rule": rule(purpose)}
            }
        )
    found = content_kind(read(uploaded))
    if found is None or found not in ALLOWED[purpose]:
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is not what this field takes (%(rule)s): its content is no "
                    "such file, whatever its name says."
                )
                % {"name": name, "rule": rule(purpose)}
            }
        )
    return found


def display_name(uploaded):
    name = (getattr(uploaded, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.strip()[:150] or _("the file")


def check_all(files, purpose, field, label=""):
    """Check every file of a field; one ValidationError listing every refusal, each led by
    the field's ``label`` when given (a page's message says which field it is about)."""
    files = list(files or [])
    kinds, errors = [], []
    if len(files) > MAX_FILES:
        errors.append(_("Attach at most %(count)d files here.") % {"count": MAX_FILES})
    for uploaded in files[:MAX_FILES]:
        try:
            kinds.append(check(uploaded, purpose, field))
        except ValidationError as refusal:
            errors.extend(refusal.message_dict[field])
    if errors:
        raise ValidationError({field: [f"{label}: {e}" if label else e for e in errors]})
    return list(zip(files, kinds, strict=True))


def attach_all(row, purpose, files, actor, field, label=""):
    """Check, then store, the files of one field for ``row``: the attachments made."""
    return store(row, purpose, check_all(files, purpose, field, label), actor)


def attach(row, purpose, uploaded, actor, field="file"):
    """One file for ``row`` (see ``attach_all``)."""
    return attach_all(row, purpose, [uploaded], actor, field)[0]


def store(row, purpose, checked, actor):
    """Store files already checked (``check_all``'s pairs). Called once every field of a
    request is checked, so that a refusal of one leaves none of the others behind."""
    made = []
    for uploaded, (content_type, extension, _name) in checked:
        content = read(uploaded)
        name = display_name(uploaded)
        stem = name.rsplit(".", 1)[0] if "." in name else name
        attachment = Attachment(
            cooperative_id=row.cooperative_id,
            target=target_of(row),
            target_id=row.pk,
            purpose=purpose,
            # Its name as uploaded, with the extension of what it is.
            name=f"{stem[:150]}.{extension}",
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        )
        # Stored under a random name: the uploaded one never reaches the file system.
        attachment.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        attachment.save()
        made.append(attachment)
    return made


def target_of(row):
    """A row's kind as attachments name it: ``"<app label>.<model name>"``."""
    return f"{row._meta.app_label}.{row._meta.model_name}"


def of(row, purposes=None):
    """A row's attachments, oldest first."""
    rows = Attachment.objects.filter(target=target_of(row), target_id=row.pk)
    if purposes:
        rows = rows.filter(purpose__in=purposes)
    return rows


def names_of(files):
    """What a step's event records of the files it was given: their names."""
    return [display_name(each) for each in files if isinstance(each, File)]


# Who may see the rows of each kind, registered by their apps.

_viewers = {}


def register(target, may_see):
    """``may_see(user, target_id)`` answers whether ``user`` may see the row ``target_id`` of
    ``target`` (``"<app>.<model>"``), inside the request's cooperative scope."""
    _viewers[target] = may_see


def visible(user, attachment):
    may_see = _viewers.get(attachment.target)
    return bool(
        user.is_authenticated and may_see is not None and may_see(user, attachment.target_id)
    )


def response(user, pk):
    """The file of attachment ``pk`` for ``user``: an attachment (never shown inline) of its
    checked type; a 404 to whoever may not see its row, as for a file that does not exist."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None or not attachment.file or not visible(user, attachment):
        raise Http404
    served = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    served["X-Content-Type-Options"] = "nosniff"
    return served

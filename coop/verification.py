"""Public verification of a document by its verification code: a reviewed place that leaves
the scope, since the public has none. It returns what the paper itself shows, and its status.

Only the random code opens a document. Numbers are sequential, so a lookup by number would let
anyone walk through every report's cooperative, product and verdict; an address that holds a
number (an old link, a guess) answers exactly as an unknown code does.
"""

import re

from coop.models import Document
from coop.tenancy import unscoped

# What ``coop.models.verification_code`` makes (URL-safe base64 of 16 bytes), with room for a
# longer code later. Anything else is not looked up at all.
CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{22,32}")


def is_code(text):
    """True when ``text`` has the shape of a verification code (it may still match none)."""
    return bool(CODE_SHAPE.fullmatch(text or ""))


def find_document(code):
    """The issued document with this verification code, with its cooperative, or None."""
    code = (code or "").strip()
    if not is_code(code):
        return None
    with unscoped():
        document = (
            Document.objects.select_related("cooperative", "replaces")
            .filter(code=code)
            .exclude(file="")
            .first()
        )
        if document is not None:
            # An amended document's newer edition: its number is shown, never its code (the
            # new paper carries that), so holding the old one opens only the old one.
            document.replacement = (
                Document.objects.filter(replaces=document).only("number", "issued_at").first()
            )
        return document

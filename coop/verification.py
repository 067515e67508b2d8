"""Public verification of a document by its number: a reviewed place that leaves the scope,
since the public has none. It returns what the paper itself shows, and its status."""

from coop.models import Document
from coop.tenancy import unscoped


def find_document(number):
    """The document with this number, with its cooperative, or None."""
    with unscoped():
        return Document.objects.select_related("cooperative").filter(number=number.strip()).first()

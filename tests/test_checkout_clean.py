"""The suite leaves the checkout as it found it: what tests store goes to a media root of the
run's own (tests/conftest.py), which checkout_media_untouched holds to at the end of the run."""

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile

from coop.models import Document


def test_stored_files_go_to_a_media_root_outside_the_checkout():
    media = Path(settings.MEDIA_ROOT)
    assert not media.is_relative_to(settings.BASE_DIR)
    # Where a document's PDF lands: the storage its file field writes through.
    storage = Document._meta.get_field("file").storage
    name = storage.save("documents/probe.pdf", ContentFile(b"%PDF-"))
    try:
        assert Path(storage.path(name)).is_relative_to(media)
        assert (media / name).read_bytes() == b"%PDF-"
    finally:
        storage.delete(name)

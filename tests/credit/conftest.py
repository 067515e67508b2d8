import pytest
from django.core.cache import cache

from tests.catalogue_entries import declarable_standards


@pytest.fixture(autouse=True)
def fresh_complaint_window():
    """Each test starts with the public complaint form's window (in Redis) empty."""
    cache.delete("throttle:complaint:127.0.0.1")
    yield
    cache.delete("throttle:complaint:127.0.0.1")


@pytest.fixture(autouse=True)
def catalogue_for_commitments(request):
    """A commitment declares standards of the catalogue: a test using the database has the
    ones its commitments name (``tests.catalogue_entries``)."""
    names = request.fixturenames
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    declarable_standards()

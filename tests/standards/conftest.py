import pytest

from coop.tenancy import unscoped
from standards import catalogue
from standards.models import Standard


@pytest.fixture
def loaded(db):
    """The reference catalogue: categories, standards, indicators, GB 18401 limits."""
    catalogue.load()


def standard(code):
    """A standard of the catalogue by its code (test code reads it outside any scope)."""
    with unscoped():
        return Standard.objects.select_related("superseded_by").get(code=code)

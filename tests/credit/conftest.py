import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_complaint_window():
    """Each test starts with the public complaint form's window (in Redis) empty."""
    cache.delete("throttle:complaint:127.0.0.1")
    yield
    cache.delete("throttle:complaint:127.0.0.1")

# The reported batches and grades of two cooperatives, for the kept figures' tests too.
from tests.dashboard.test_dashboard import tested  # noqa: F401

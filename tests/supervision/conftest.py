# The testing fund's ``priced`` (lab prices and a funded year), for the reports of these tests.
from tests.testing_fund.conftest import priced  # noqa: F401

from datetime import date
from decimal import Decimal

import pytest

from coop.tenancy import scope
from standards import catalogue
from standards.models import Indicator
from testing_fund.models import Fund, LabPrice
from testing_fund.services import fund as money

THREE = ["formaldehyde", "ph", "odour"]


@pytest.fixture
def priced(coop_a, transactional_db):
    """Coop A's lab prices every indicator at ¥100; the fund received ¥1,000."""
    catalogue.load()
    lab = coop_a.lab.institution
    for indicator in Indicator.objects.all():
        LabPrice.objects.create(institution=lab, indicator=indicator, price=Decimal("100.00"))
    with scope({coop_a.cooperative.pk}):
        fund = Fund.objects.create(cooperative=coop_a.cooperative, year=date.today().year)
        money.appropriate(
            fund=fund,
            actor=coop_a.admin,
            source="区财政局",
            amount=Decimal(1000),
            on=date.today(),
            document_number="财〔2026〕1号",
        )
    return fund

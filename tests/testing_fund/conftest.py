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


def request(tenant, member=None, codes=THREE):
    """A free-testing request of GB 18401 category B for ``codes``, from the enterprise."""
    from coop.tenancy import unscoped
    from standards.models import Standard
    from testing_fund.services import batches

    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    with scope({tenant.cooperative.pk}):
        return batches.request_batch(
            member=member or tenant.member,
            actor=tenant.enterprise,
            standard=standard,
            lab=tenant.lab.institution,
            product="四件套",
            safety_category="B",
            indicators=list(Indicator.objects.filter(code__in=codes)),
        )


def sample(tenant, batch):
    """Approve the batch and record its sampling by two samplers (call inside its scope)."""
    from testing_fund.services import batches

    batches.approve(batch=batch, actor=tenant.admin)
    batches.sample(
        batch=batch,
        actor=tenant.admin,
        seal_number="FY-0001",
        samplers="王建华、李明",
        sampling_place="成品仓库",
        backup_kept=True,
    )

"""Demo data of the testing fund: the lab's prices, this year's fund (the Haimen fund received
¥2.25 million in five years: about ¥450,000 a year) and the quarterly sampling schedule."""

from decimal import Decimal

from django.utils import timezone

from standards.models import Indicator, Standard
from testing_fund.models import Fund, LabPrice
from testing_fund.services.fund import appropriate
from testing_fund.services.rounds import schedule_rounds

PRICES = {"formaldehyde": 120, "ph": 80, "odour": 60, "azo-amines": 300}
FASTNESS_PRICE = 100


def seed(cooperative, lab):
    for indicator in Indicator.objects.all():
        LabPrice.objects.get_or_create(
            institution=lab,
            indicator=indicator,
            defaults={"price": Decimal(PRICES.get(indicator.code, FASTNESS_PRICE))},
        )
    today = timezone.localdate()
    fund, created = Fund.objects.get_or_create(cooperative=cooperative, year=today.year)
    if created:
        appropriate(
            fund=fund,
            actor=None,
            source="海门区财政局",
            amount=Decimal(450000),
            on=today.replace(month=1, day=10),
            document_number=f"海财〔{today.year}〕8号",
        )
    schedule_rounds(cooperative, lab, Standard.objects.get(code="GB 18401-2010"))

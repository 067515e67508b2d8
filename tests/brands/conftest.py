import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from brands.models import CollectiveTrademark, LicenceTerms
from brands.services import design_reviews
from coop.tenancy import scope
from members.models import TrademarkLicence


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def review_of(tenant, submitted_on=date(2026, 9, 21), **fields):
    with scope({tenant.cooperative.pk}):
        return design_reviews.submit(
            member=tenant.member,
            actor=tenant.enterprise,
            design_name=fields.get("design_name", "提花被套（海棠）"),
            product="被套",
            applicant=tenant.member.name,
            submitted_on=submitted_on,
        )


def licensed(tenant, number="HMJF-2026-0001", registration="21547836", member=None, days=700):
    from django.utils import timezone

    today = timezone.localdate()
    with scope({tenant.cooperative.pk}):
        mark, _ = CollectiveTrademark.objects.get_or_create(
            cooperative=tenant.cooperative,
            registration_number=registration,
            defaults={
                "name": "海门家纺",
                "nice_class": "第24类",
                "registrant": "南通市海门区家纺行业协会",
                "registered_on": date(2020, 4, 14),
                "valid_until": date(2030, 4, 13),
            },
        )
        licence = TrademarkLicence.objects.create(
            cooperative=tenant.cooperative,
            member=member or tenant.member,
            trademark=mark.name,
            starts_on=today.replace(day=1),
            ends_on=today + date.resolution * days,
        )
        LicenceTerms.objects.create(
            cooperative=tenant.cooperative, licence=licence, mark=mark, number=number
        )
    return licence


@pytest.fixture
def evidence_png():
    return png

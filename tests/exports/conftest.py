from datetime import date

import pytest

from coop.models import Role
from coop.tenancy import scope, unscoped
from exports.services import products
from standards.models import ProductCategory, Standard
from tests.factories import MemberFactory, UserFactory

MEASURES = "/api/v1/trade-measures/"
ALERTS = "/api/v1/trade-measures/alerts/"
PRODUCTS = "/api/v1/export-products/"
SAME_LINE = "/api/v1/same-line-products/"
PUBLIC_SAME_LINE = "/api/v1/public/same-line-products/"


@pytest.fixture
def bedding(db):
    return ProductCategory.objects.get_or_create(code="bedding", defaults={"name_zh": "床上用品"})[
        0
    ]


@pytest.fixture
def standard(db):
    with unscoped():
        return Standard.objects.create(
            code="GB/T 22796-2021",
            title_zh="床上用品",
            implemented_on=date(2022, 5, 1),
        )


def member_with_account(tenant, name, email=""):
    """Another member unit of ``tenant``'s cooperative, with an enterprise account."""
    member = MemberFactory(cooperative=tenant.cooperative, name=name)
    user = UserFactory(
        username=f"{tenant.slug}-{member.pk}", role=Role.ENTERPRISE, member=member, email=email
    )
    return member, user


def exports(tenant, member, hs_code, markets, name="床单", category=None):
    with scope({tenant.cooperative.pk}):
        return products.save_export_product(
            member=member,
            actor=tenant.admin,
            name=name,
            hs_code=hs_code,
            markets=markets,
            category=category,
        )


def measure_payload(tenant, **overrides):
    return {
        "cooperative": tenant.slug,
        "country": "US",
        "title": "CPSIA 儿童产品总铅含量限值",
        "text": "可触及部件总铅含量不得超过 100 mg/kg。",
        "hs_prefixes": ["6302"],
        "effective_on": "2026-03-01",
        "reference": "Public Law 110-314",
        **overrides,
    }

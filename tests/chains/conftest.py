from datetime import date
from decimal import Decimal

import pytest

from chains.services import agreements, research
from coop.models import Role
from coop.tenancy import scope, unscoped
from standards.models import ProductCategory, Standard
from testing_fund.models import Batch, Fund
from tests.factories import MemberFactory, UserFactory

SIGNED = date(2025, 1, 1)
UNTIL = date(2027, 12, 31)

FORMALDEHYDE = {
    "name": "甲醛含量",
    "unit": "mg/kg",
    "direction": "max",
    "national_value": Decimal("75"),
    "agreed_value": Decimal("20"),
    "standard_code": "GB 18401-2010 B类",
}
RUBBING = {
    "name": "耐摩擦色牢度",
    "unit": "级",
    "direction": "min",
    "national_value": Decimal("3"),
    "agreed_value": Decimal("4"),
    "standard_code": "GB 18401-2010",
}


def api_url(tenant, pk=None, kind="chain-agreements"):
    base = f"/api/v1/coops/{tenant.slug}/{kind}/"
    return f"{base}{pk}/" if pk else base


def page_url(tenant, path=""):
    return f"/c/{tenant.slug}/{path}"


@pytest.fixture
def bedding(db):
    return ProductCategory.objects.get_or_create(code="bedding", defaults={"name_zh": "床上用品"})[
        0
    ]


@pytest.fixture
def towels(db):
    return ProductCategory.objects.get_or_create(code="towels", defaults={"name_zh": "毛巾"})[0]


def member_with_account(tenant, name):
    member = MemberFactory(cooperative=tenant.cooperative, name=name)
    user = UserFactory(username=f"{tenant.slug}-{member.pk}", role=Role.ENTERPRISE, member=member)
    return member, user


def make_agreement(tenant, *, owner=None, suppliers=(), categories=(), indicators=None, **extra):
    """An agreement of ``tenant``'s cooperative, recorded by its administrator."""
    with scope({tenant.cooperative.pk}):
        agreement = agreements.save_agreement(
            cooperative=tenant.cooperative,
            actor=tenant.admin,
            title=extra.pop("title", "床品四件套质量一致性协议"),
            products="纯棉床品四件套",
            signed_on=extra.pop("signed_on", SIGNED),
            valid_until=extra.pop("valid_until", UNTIL),
            owner_member=owner,
            owner_name=extra.pop("owner_name", "" if owner else "宁波甬悦家居用品有限公司"),
            categories=categories,
            indicators=[FORMALDEHYDE] if indicators is None else indicators,
        )
        for member, joined in suppliers:
            agreements.add_supplier(
                agreement=agreement, actor=tenant.admin, member=member, joined_on=joined
            )
        return agreement


def make_project(tenant, participants=(), title="深色面料耐摩擦色牢度攻关"):
    with scope({tenant.cooperative.pk}):
        return research.save_project(
            cooperative=tenant.cooperative,
            actor=tenant.admin,
            title=title,
            problem="深色面料湿摩色牢度偏低",
            indicators=["耐摩擦色牢度"],
            partners=["南通大学纺织服装学院"],
            participants=participants,
        )


@pytest.fixture
def standard(db):
    with unscoped():
        return Standard.objects.get_or_create(
            code="GB 18401-2010",
            defaults={
                "title_zh": "国家纺织产品基本安全技术规范",
                "implemented_on": date(2011, 8, 1),
            },
        )[0]


def reported(tenant, member, on, passed, category, standard, product="四件套"):
    """A reported batch of ``member`` (``passed`` None: not judged yet)."""
    with unscoped():
        fund = Fund.objects.get_or_create(cooperative=tenant.cooperative, year=on.year)[0]
        return Batch.objects.create(
            cooperative_id=member.cooperative_id,
            member=member,
            fund=fund,
            product=product,
            category=category,
            safety_category="B",
            standard=standard,
            lab=tenant.lab.institution,
            status="reported" if passed is not None else "received",
            passed=passed,
            cost=Decimal(200),
            reported_on=on if passed is not None else None,
        )


@pytest.fixture
def chain(coop_a, bedding):
    """Coop A's agreement with a member owner and two suppliers, one of them the fixtures'
    enterprise member; a bystander member with an account that is in no agreement."""
    owner, owner_user = member_with_account(coop_a, "链主家纺集团")
    supplier, supplier_user = member_with_account(coop_a, "供应商印染厂")
    bystander, bystander_user = member_with_account(coop_a, "旁观家纺厂")
    agreement = make_agreement(
        coop_a,
        owner=owner,
        suppliers=[(coop_a.member, SIGNED), (supplier, SIGNED)],
        categories=[bedding],
    )
    return {
        "agreement": agreement,
        "owner": owner,
        "owner_user": owner_user,
        "supplier": supplier,
        "supplier_user": supplier_user,
        "bystander": bystander,
        "bystander_user": bystander_user,
    }

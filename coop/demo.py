"""Demo data: one region (Nantong), three cooperatives, fictional members, demo accounts.

Only for the demo and for trying the portal out: ``seed_demo`` refuses to run with DEBUG off.
Generation is seeded, so a rerun makes the same enterprises and finds them already there.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from coop.models import Cooperative, Region, Role, User
from coop.tenancy import unscoped
from members.models import Member
from members.uscc import ALPHABET, check_character
from testing_fund.models import TestingInstitution

DEMO_PASSWORD = "demo-pass-2026"
HAIMEN_DEFAULT_MEMBERS = 550

BRAND_FIRST = "锦华瑞鑫恒盛嘉美丽雅舒悦康源泰宏德顺福祥佳新金凯蓝梦欣宇"
BRAND_SECOND = "华达丰源盛泰美诚信和富强隆星宏安昌润祥"


@dataclass
class CooperativePlan:
    slug: str
    name_zh: str
    name_en: str
    industry: str
    district: str
    district_code: str
    established: date
    towns: list
    products: list
    members: int
    description: str
    founding_units: list = field(default_factory=list)


def cooperative_plans(haimen_members):
    bureau_haimen = "海门区市场监督管理局"
    bureau_tongzhou = "南通市通州区市场监督管理局"
    return [
        CooperativePlan(
            slug="haimen-hometextile",
            name_zh="海门区家纺质量合作社",
            name_en="Haimen Home Textile Quality Cooperative",
            industry="家用纺织品",
            district="海门区",
            district_code="320684",
            established=date(2017, 6, 16),
            towns=["三厂街道", "海门街道", "滨江街道", "常乐镇", "悦来镇", "四甲镇", "余东镇",
                   "正余镇", "包场镇", "临江镇"],
            products=["家纺", "床品", "纺织", "布业", "寝具", "毛巾"],
            members=haimen_members,
            description="由区市场监管局牵头，政府、高校、检测机构、商会和龙头企业“五位一体”组建，"
            "为中小微家纺企业提供统一标准、统一检测、统一首席质量官、统一信用、统一品牌、统一执法服务。",
            founding_units=[bureau_haimen, "海门区人民政府", "南通大学纺织服装学院",
                            "南通市纤维检验所", "海门区家纺商会", "罗莱生活科技股份有限公司"],
        ),
        CooperativePlan(
            slug="tongzhou-rice",
            name_zh="通州区大米质量合作社",
            name_en="Tongzhou Rice Quality Cooperative",
            industry="大米加工",
            district="通州区",
            district_code="320612",
            established=date(2020, 9, 8),
            towns=["石港镇", "西亭镇", "二甲镇", "五接镇", "平潮镇", "刘桥镇"],
            products=["米业", "粮油", "农产品"],
            members=36,
            description="大米加工企业和种植大户的质量合作社：统一标准、统一检测、统一品牌。",
            founding_units=[bureau_tongzhou, "通州区农业农村局", "南通市产品质量监督检验所"],
        ),
        CooperativePlan(
            slug="tongzhou-vehicle-inspection",
            name_zh="通州区机动车检验质量合作社",
            name_en="Tongzhou Motor-Vehicle Inspection Quality Cooperative",
            industry="机动车检验服务",
            district="通州区",
            district_code="320612",
            established=date(2021, 4, 20),
            towns=["金沙街道", "先锋街道", "兴东街道", "川姜镇"],
            products=["机动车检测", "检测服务"],
            members=14,
            description="机动车安全技术检验机构的质量合作社：统一检验规程、统一监督、统一信用。",
            founding_units=[bureau_tongzhou, "通州区公安局交通警察大队"],
        ),
    ]


# Most members are active; the rest sit at the other steps so every status shows up.
STATUS_WEIGHTS = [
    (Member.Status.ACTIVE, 88),
    (Member.Status.UNDER_REVIEW, 3),
    (Member.Status.APPLIED, 3),
    (Member.Status.SUSPENDED, 3),
    (Member.Status.EXITED, 3),
]


def make_uscc(rng, entity_type, district_code):
    body = "9" + entity_type + district_code + "".join(rng.choices(ALPHABET, k=9))
    return body + check_character(body)


def generate_members(plan, rng):
    """``plan.members`` fictional members: unique names and USCCs, real district codes."""
    names, codes, members = set(), set(), []
    statuses, weights = zip(*STATUS_WEIGHTS)
    while len(members) < plan.members:
        brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
        product, town = rng.choice(plan.products), rng.choice(plan.towns)
        household = rng.random() < 0.25
        if household:
            name = f"{plan.district}{town}{brand}{product}经营部"
            kind, entity_type = Member.Kind.INDIVIDUAL_HOUSEHOLD, "2"
        else:
            name = f"南通{brand}{product}有限公司"
            kind, entity_type = Member.Kind.ENTERPRISE, "1"
        uscc = make_uscc(rng, entity_type, plan.district_code)
        if name in names or uscc in codes:
            continue
        names.add(name)
        codes.add(uscc)
        members.append(
            dict(name=name, uscc=uscc, kind=kind, district=plan.district, town=town,
                 status=rng.choices(statuses, weights)[0])
        )
    return members


@transaction.atomic
def seed(*, haimen_members=HAIMEN_DEFAULT_MEMBERS, log=print):
    with unscoped():
        region, _ = Region.objects.update_or_create(
            slug="nantong", defaults=dict(name_zh="南通市", name_en="Nantong", division_code="320600")
        )
        cooperatives = {}
        for plan in cooperative_plans(haimen_members):
            cooperatives[plan.slug] = seed_cooperative(region, plan, log)
        lab = seed_lab([cooperatives["haimen-hometextile"]])
        enterprise = seed_demo_enterprise(cooperatives["haimen-hometextile"])
        seed_accounts(region, cooperatives, lab, enterprise)
        log(f"Demo accounts share the password {DEMO_PASSWORD}.")


def seed_cooperative(region, plan, log):
    fields = {
        name: getattr(plan, name)
        for name in ["name_zh", "name_en", "industry", "district", "district_code",
                     "established", "description"]
    }
    cooperative, _ = Cooperative.objects.update_or_create(
        slug=plan.slug,
        defaults=dict(fields, region=region, founding_units="\n".join(plan.founding_units)),
    )
    existing = set(Member.objects.filter(cooperative=cooperative).values_list("uscc", flat=True))
    rng = random.Random(plan.slug)
    new = [
        Member(cooperative=cooperative, **member)
        for member in generate_members(plan, rng)
        if member["uscc"] not in existing
    ]
    Member.objects.bulk_create(new)
    log(f"{plan.slug}: {len(existing) + len(new)} members ({len(new)} new).")
    return cooperative


def seed_lab(cooperatives):
    lab, _ = TestingInstitution.objects.update_or_create(
        name_zh="南通市纤维检验所",
        defaults=dict(
            name_en="Nantong Fibre Inspection Institute",
            accreditation="CNAS L0000 (demo)",
            contact="0513-00000000",
        ),
    )
    lab.cooperatives.set(cooperatives)
    return lab


def seed_demo_enterprise(cooperative):
    body = "91320684MA1DEM01X"
    member, _ = Member.objects.update_or_create(
        cooperative=cooperative,
        uscc=body + check_character(body),
        defaults=dict(
            name="南通锦华家纺有限公司",
            kind=Member.Kind.ENTERPRISE,
            status=Member.Status.ACTIVE,
            district="海门区",
            town="三厂街道",
        ),
    )
    return member


def seed_accounts(region, cooperatives, lab, enterprise):
    accounts = [
        ("bureau", "南通市局监管员", dict(role=Role.REGION_SUPERVISOR, region=region)),
        ("haimen-admin", "海门合作社管理员",
         dict(role=Role.COOP_ADMIN, cooperative=cooperatives["haimen-hometextile"])),
        ("tongzhou-admin", "通州大米合作社管理员",
         dict(role=Role.COOP_ADMIN, cooperative=cooperatives["tongzhou-rice"])),
        ("lab", "纤检所检测员", dict(role=Role.LAB_TECHNICIAN, institution=lab)),
        ("enterprise", "锦华家纺质量官", dict(role=Role.ENTERPRISE, member=enterprise)),
    ]
    links = dict(region=None, cooperative=None, institution=None, member=None)
    for username, full_name, role in accounts:
        # A Chinese name is written whole, family name first: it all goes in first_name so
        # get_full_name() shows it without a space.
        user, _ = User.objects.update_or_create(
            username=username, defaults=dict(links, first_name=full_name, last_name="", **role)
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])

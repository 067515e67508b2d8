"""Demo data: one region (Nantong), three cooperatives, fictional members, demo accounts.

Only for the demo and for trying the portal out: ``seed_demo`` refuses to run with DEBUG off.
Generation is seeded, so a rerun makes the same enterprises and finds them already there.
Sizes follow the Haimen cooperative's public figures (BRIEF.md), scaled to the member count.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from benchmarking import demo as benchmarking_demo
from brands import demo as brands_demo
from chains import demo as chains_demo
from consultation import demo as consultation_demo
from coop.models import Cooperative, District, Region, Role, User
from coop.tenancy import unscoped
from credit import demo as credit_demo
from exports import demo as exports_demo
from members import demo as member_demo
from standards import catalogue
from standards import demo as standards_demo
from standards.models import Standard
from supervision.schedules import install_schedules
from testing_fund import demo as fund_demo
from testing_fund.models import TestingInstitution

DEMO_PASSWORD = "demo-pass-2026"
HAIMEN_DEFAULT_MEMBERS = 550

NANTONG_DISTRICTS = [
    ("320602", "崇川区", "Chongchuan"),
    ("320612", "通州区", "Tongzhou"),
    ("320623", "如东县", "Rudong"),
    ("320681", "启东市", "Qidong"),
    ("320682", "如皋市", "Rugao"),
    ("320684", "海门区", "Haimen"),
    ("320685", "海安市", "Hai'an"),
]


@dataclass
class CooperativePlan:
    slug: str
    code: str
    name_zh: str
    name_en: str
    industry: str
    district_code: str
    established: date
    towns: list
    products: list
    categories: list
    members: int
    description: str
    founding_units: list = field(default_factory=list)
    # The districts it serves besides its seat (whose code is served anyway).
    served_district_codes: list = field(default_factory=list)


def cooperative_plans(haimen_members):
    bureau_haimen = "海门区市场监督管理局"
    bureau_tongzhou = "南通市通州区市场监督管理局"
    return [
        CooperativePlan(
            slug="haimen-hometextile",
            code="HMJF",
            name_zh="海门区家纺质量合作社",
            name_en="Haimen Home Textile Quality Cooperative",
            industry="家用纺织品",
            district_code="320684",
            # The 叠石桥 home-textile cluster straddles Haimen and Tongzhou's 川姜镇.
            served_district_codes=["320612"],
            established=date(2017, 6, 16),
            towns=[
                "三厂街道",
                "海门街道",
                "滨江街道",
                "常乐镇",
                "悦来镇",
                "四甲镇",
                "余东镇",
                "正余镇",
                "包场镇",
                "临江镇",
            ],
            products=["家纺", "床品", "纺织", "布业", "寝具", "毛巾"],
            categories=["bedding", "towels", "fabrics", "fibre-products", "curtains"],
            members=haimen_members,
            description="由区市场监管局牵头，政府、高校、检测机构、商会和龙头企业“五位一体”组建，"
            "为中小微家纺企业提供统一标准、统一检测、统一首席质量官、统一信用、统一品牌、统一执法服务。",
            founding_units=[
                bureau_haimen,
                "海门区人民政府",
                "南通大学纺织服装学院",
                "南通市纤维检验所",
                "海门区家纺商会",
                "罗莱生活科技股份有限公司",
            ],
        ),
        CooperativePlan(
            slug="tongzhou-rice",
            code="TZDM",
            name_zh="通州区大米质量合作社",
            name_en="Tongzhou Rice Quality Cooperative",
            industry="大米加工",
            district_code="320612",
            established=date(2020, 9, 8),
            towns=["石港镇", "西亭镇", "二甲镇", "五接镇", "平潮镇", "刘桥镇"],
            products=["米业", "粮油", "农产品"],
            categories=["rice"],
            members=36,
            description="大米加工企业和种植大户的质量合作社：统一标准、统一检测、统一品牌。",
            founding_units=[bureau_tongzhou, "通州区农业农村局", "南通市产品质量监督检验所"],
        ),
        CooperativePlan(
            slug="tongzhou-vehicle-inspection",
            code="TZJC",
            name_zh="通州区机动车检验质量合作社",
            name_en="Tongzhou Motor-Vehicle Inspection Quality Cooperative",
            industry="机动车检验服务",
            district_code="320612",
            established=date(2021, 4, 20),
            towns=["金沙街道", "先锋街道", "兴东街道", "川姜镇"],
            products=["机动车检测", "检测服务"],
            categories=["vehicle-inspection"],
            members=14,
            description="机动车安全技术检验机构的质量合作社：统一检验规程、统一监督、统一信用。",
            founding_units=[bureau_tongzhou, "通州区公安局交通警察大队"],
        ),
    ]


@transaction.atomic
def seed(*, haimen_members=HAIMEN_DEFAULT_MEMBERS, log=print):
    with unscoped():
        region, _ = Region.objects.update_or_create(
            slug="nantong",
            defaults=dict(name_zh="南通市", name_en="Nantong", division_code="320600"),
        )
        for code, name_zh, name_en in NANTONG_DISTRICTS:
            District.objects.update_or_create(
                division_code=code, defaults=dict(region=region, name_zh=name_zh, name_en=name_en)
            )
        catalogue.load()
        cooperatives = {}
        for plan in cooperative_plans(haimen_members):
            cooperative = seed_cooperative(region, plan)
            cooperatives[plan.slug] = cooperative
            count, new = member_demo.seed_members(cooperative, plan)
            log(f"{plan.slug}: {count} members ({new} new).")
        haimen = cooperatives["haimen-hometextile"]
        lab = seed_lab([haimen])
        enterprise = member_demo.seed_demo_enterprise(haimen)
        seed_accounts(region, cooperatives, lab, enterprise)
        member_demo.issue_demo_certificate(enterprise)
        standards_demo.seed(haimen, enterprise)
        fund_demo.seed(haimen, lab)
        credit_demo.seed(haimen, enterprise)
        # The other seed programmes (issue 18): the members' links in the industry chain,
        # export alerts and same-line products, IP and brands, the consultation line.
        member_demo.seed_chain_links(haimen, enterprise, log=log)
        exports_demo.seed(haimen, enterprise, log=log)
        brands_demo.seed(haimen, enterprise, log=log)
        consultation_demo.seed(haimen, enterprise, log=log)
        chains_demo.seed(haimen, enterprise, log=log)
        benchmarking_demo.seed(haimen, enterprise, log=log)
        # Every cooperative's schedules, as an onboarded one gets them: Haimen's round with its
        # lab and GB 18401; the Tongzhou ones have no lab, so their rounds wait, paused.
        standard = Standard.objects.get(code="GB 18401-2010")
        for slug, cooperative in cooperatives.items():
            if slug == "haimen-hometextile":
                install_schedules(cooperative, lab=lab, standard=standard)
            else:
                install_schedules(cooperative)
        log(f"Demo accounts share the password {DEMO_PASSWORD}.")


def seed_cooperative(region, plan):
    fields = {
        name: getattr(plan, name)
        for name in ["code", "name_zh", "name_en", "industry", "established", "description"]
    }
    cooperative, _ = Cooperative.objects.update_or_create(
        slug=plan.slug,
        defaults=dict(
            fields,
            region=region,
            founding_units="\n".join(plan.founding_units),
            district=District.objects.get(division_code=plan.district_code),
        ),
    )
    # Exactly the plan's districts, so a rerun after a plan change leaves no stale one.
    cooperative.districts.set(
        District.objects.filter(division_code__in=[plan.district_code, *plan.served_district_codes])
    )
    return cooperative


def seed_lab(cooperatives):
    lab, _ = TestingInstitution.objects.update_or_create(
        name_zh="南通市纤维检验所",
        defaults=dict(
            name_en="Nantong Fibre Inspection Institute",
            accreditation="CNAS L0000 (demo)",
            contact="0513-00000000",
            address="江苏省南通市崇川区工农路 1 号（演示地址）",
        ),
    )
    lab.cooperatives.set(cooperatives)
    return lab


def seed_accounts(region, cooperatives, lab, enterprise):
    accounts = [
        ("bureau", "南通市局监管员", dict(role=Role.REGION_SUPERVISOR, region=region)),
        (
            "haimen-admin",
            "海门合作社管理员",
            dict(role=Role.COOP_ADMIN, cooperative=cooperatives["haimen-hometextile"]),
        ),
        (
            "tongzhou-admin",
            "通州大米合作社管理员",
            dict(role=Role.COOP_ADMIN, cooperative=cooperatives["tongzhou-rice"]),
        ),
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

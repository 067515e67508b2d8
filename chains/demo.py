"""Demo data of the chain programme (the Ningbo seed, shown on the Haimen home-textile
cooperative): three quality-consistency agreements, two with member units as chain owners and
one with an outside brand firm, each with four to eight suppliers (the demo enterprise supplies
under one), two to four indicators stricter than the national standards and a few audits; and
two joint research projects with their milestones. Idempotent: a second run finds the
agreements there and adds nothing."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from chains.models import ChainAgreement, ResearchProject
from chains.services import agreements, research
from coop.models import User
from coop.tenancy import unscoped
from members.models import Member
from standards.models import ProductCategory, Standard

MAX, MIN = "max", "min"

FORMALDEHYDE = {
    "name": "甲醛含量",
    "unit": "mg/kg",
    "direction": MAX,
    "national_value": Decimal("75"),
    "agreed_value": Decimal("20"),
    "standard_code": "GB 18401-2010 B类（直接接触皮肤）",
}
PH = {
    "name": "pH值",
    "unit": "",
    "direction": MIN,
    "national_value": Decimal("4.0"),
    "agreed_value": Decimal("5.0"),
    "standard_code": "GB 18401-2010 B类（下限）",
}
RUBBING = {
    "name": "耐摩擦色牢度（湿摩）",
    "unit": "级",
    "direction": MIN,
    "national_value": Decimal("2.5"),
    "agreed_value": Decimal("3.5"),
    "standard_code": "GB 18401-2010 B类",
}
WATER = {
    "name": "耐水色牢度（变色）",
    "unit": "级",
    "direction": MIN,
    "national_value": Decimal("3"),
    "agreed_value": Decimal("4"),
    "standard_code": "GB 18401-2010 B类",
}
ODOUR = {
    "name": "可分解致癌芳香胺染料",
    "unit": "mg/kg",
    "direction": MAX,
    "national_value": Decimal("20"),
    "agreed_value": Decimal("10"),
    "standard_code": "GB 18401-2010",
}

# (title, owner: member index or (name, uscc), supplier indexes, products, indicators, in force)
AGREEMENTS = [
    (
        "纯棉床品四件套质量一致性协议",
        0,
        [1, 2, 3, 4, 5, "enterprise"],
        "直接接触皮肤的纯棉床品四件套及其面料、印染加工",
        [FORMALDEHYDE, PH, RUBBING],
        True,
    ),
    (
        "被芯与枕芯填充物质量一致性协议",
        6,
        [7, 8, 9, 10],
        "被芯、枕芯及其填充纤维、絮片",
        [FORMALDEHYDE, WATER],
        True,
    ),
    (
        "品牌家纺代工质量一致性协议",
        ("宁波甬悦家居用品有限公司", "91330200MA2AB3CD4G"),
        [11, 12, 13, 14, 15],
        "品牌床品套件、毛巾浴巾代工产品",
        [FORMALDEHYDE, PH, WATER, ODOUR],
        False,
    ),
]

AUDITS = [
    ("passed", "面料检验记录齐全，甲醛自控检测按批开展。"),
    ("corrections", "印染车间定型温度记录不全，湿摩色牢度自检频次不足。"),
    ("passed", "原料进货验收及留样符合协议要求。"),
]

PROJECTS = [
    {
        "title": "深色面料耐摩擦色牢度提升联合攻关",
        "problem": "深色（藏青、黑色）纯棉床品面料湿摩擦色牢度普遍只有2—2.5级，"
        "抽检不合格集中在此项，需要从染料选型、固色工艺和后整理三方面攻关。",
        "indicators": ["耐摩擦色牢度（湿摩）"],
        "partners": ["南通大学纺织服装学院", "南通市纤维检验所"],
        "members": [0, 1, 2, "enterprise"],
        "milestones": [
            ("现状调研与不合格样品分析", -150, -140),
            ("固色剂与工艺对比试验", -40, -35),
            ("中试与推广方案", 90, None),
        ],
        "start": True,
    },
    {
        "title": "后整理工序甲醛控制联合攻关",
        "problem": "部分企业使用含甲醛的树脂整理剂，成品甲醛含量接近国家标准限值，"
        "需筛选无醛整理剂并建立工序控制要点。",
        "indicators": ["甲醛含量"],
        "partners": ["江苏省纺织产品质量监督检验研究院"],
        "members": [6, 7, 8],
        "milestones": [
            ("无醛整理剂筛选", 60, None),
            ("工序控制指南编制", 150, None),
        ],
        "start": False,
    },
]


def seed(haimen, enterprise, log=print):
    with unscoped():
        if ChainAgreement.objects.filter(cooperative=haimen).exists():
            log("chains: demo data already there")
            return
        admin = User.objects.filter(username="haimen-admin").first()
        others = list(
            Member.objects.filter(cooperative=haimen, status=Member.Status.ACTIVE)
            .exclude(pk=enterprise.pk)
            .order_by("pk")[:16]
        )

        def member(index):
            if index == "enterprise":
                return enterprise
            return others[index] if index < len(others) else None

        categories = list(ProductCategory.objects.filter(code__in=["bedding", "towels"]))
        standard = Standard.objects.filter(code="GB 18401-2010").first()
        today = timezone.localdate()
        signed_on = date(today.year - 1, 3, 1)
        made, audits = 0, 0
        for title, owner, suppliers, products, indicators, in_force in AGREEMENTS:
            owner_member, owner_name, owner_uscc = None, "", ""
            if isinstance(owner, tuple):
                owner_name, owner_uscc = owner
            else:
                owner_member = member(owner)
                if owner_member is None:
                    continue
            agreement = agreements.save_agreement(
                cooperative=haimen,
                actor=admin,
                title=title,
                products=products,
                signed_on=signed_on,
                valid_until=signed_on.replace(year=signed_on.year + 3) - timedelta(days=1),
                owner_member=owner_member,
                owner_name=owner_name,
                owner_uscc=owner_uscc,
                categories=categories,
                indicators=[dict(each, standard=standard) for each in indicators],
            )
            made += 1
            chosen = [m for m in (member(i) for i in suppliers) if m is not None]
            chosen = [m for m in dict.fromkeys(chosen) if m != owner_member]
            for each in chosen:
                agreements.add_supplier(
                    agreement=agreement, actor=admin, member=each, joined_on=signed_on
                )
            if not in_force or not chosen:
                continue
            agreements.bring_into_force(agreement=agreement, actor=admin, check_who=False)
            for number, (result, findings) in enumerate(AUDITS):
                audited_on = signed_on + timedelta(days=90 + 45 * number)
                agreements.record_audit(
                    agreement=agreement,
                    actor=admin,
                    supplier=chosen[number % len(chosen)],
                    audited_on=audited_on,
                    auditor="链主质量部",
                    findings=findings,
                    result=result,
                    correction_due_on=audited_on + timedelta(days=30)
                    if result == "corrections"
                    else None,
                )
                audits += 1
        projects = 0
        for plan in PROJECTS:
            if ResearchProject.objects.filter(cooperative=haimen, title=plan["title"]).exists():
                continue
            project = research.save_project(
                cooperative=haimen,
                actor=admin,
                title=plan["title"],
                problem=plan["problem"],
                indicators=plan["indicators"],
                partners=plan["partners"],
                participants=[m for m in (member(i) for i in plan["members"]) if m is not None],
            )
            for milestone, due, done in plan["milestones"]:
                research.add_milestone(
                    project=project,
                    actor=admin,
                    title=milestone,
                    due_on=today + timedelta(days=due),
                    done_on=today + timedelta(days=done) if done is not None else None,
                )
            if plan["start"]:
                research.start(project=project, actor=admin, check_who=False)
            projects += 1
        log(f"chains: {made} quality-consistency agreements ({audits} audits), {projects} projects")

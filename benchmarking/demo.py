"""Demo data of the benchmarking programme (对标达标, the Wenzhou seed, shown on the Haimen
cooperative). Wenzhou's 183 schemes and 3,822 products of 2,419 enterprises scaled to a demo:
six published schemes for home textiles (bedding against OEKO-TEX Standard 100 classes I and
II for formaldehyde and pH, colour fastness against ISO 105; towels' water absorption against
JIS and ISO), twenty declarations of twelve member units: nine certified by a third party (one
certificate expired), three accepted and awaiting their evaluation, two returned, six waiting
for review; the demo enterprise has one benchmarked product and one waiting. Five members
name a chief standards officer (首席标准官). Idempotent: a second run finds the schemes there
and adds nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from benchmarking.models import BenchmarkDeclaration, BenchmarkScheme, plain
from benchmarking.services import declarations, schemes
from coop.models import User
from coop.tenancy import unscoped
from members.models import Member, QualityPerson
from standards.models import ProductCategory

INTL, FOREIGN, BUYER, DOMESTIC = "international", "foreign", "buyer", "domestic"

FORMALDEHYDE = (
    "甲醛含量",
    "mg/kg",
    "max",
    "20",
    "75",
    "GB 18401-2010 B类",
    [
        (BUYER, "OEKO-TEX Standard 100", "生态纺织品标准100 第II类（直接接触皮肤）", "75"),
        (INTL, "ISO 14184-1:2011", "纺织品 甲醛的测定 第1部分：游离水解甲醛（水萃取法）", "16"),
        (FOREIGN, "日本 昭和48年法律第112号", "有害物质家用品控制法 贴身纺织品", "75"),
    ],
)
BABY_FORMALDEHYDE = (
    "甲醛含量",
    "mg/kg",
    "max",
    "16",
    "20",
    "GB 18401-2010 A类",
    [
        (BUYER, "OEKO-TEX Standard 100", "生态纺织品标准100 第I类（婴幼儿用品）", "16"),
        (FOREIGN, "日本 昭和48年法律第112号", "24个月以内婴幼儿用纺织品（吸光度差≤0.05）", "16"),
    ],
)
PH = (
    "pH值（上限）",
    "",
    "max",
    "7.5",
    "8.5",
    "GB 18401-2010 B类",
    [
        (BUYER, "OEKO-TEX Standard 100", "第I、II类 pH 4.0～7.5", "7.5"),
        (INTL, "ISO 3071:2020", "纺织品 水萃取液pH值的测定", "7.5"),
    ],
)
WASHING = (
    "耐皂洗色牢度（变色）",
    "级",
    "min",
    "4",
    "3",
    "GB/T 22796-2021 合格品",
    [(INTL, "ISO 105-C06:2010", "纺织品 色牢度试验 耐家庭和商业洗涤色牢度", "4")],
)
RUBBING = (
    "耐干摩擦色牢度",
    "级",
    "min",
    "4",
    "3",
    "GB 18401-2010 B类",
    [
        (INTL, "ISO 105-X12:2016", "纺织品 色牢度试验 耐摩擦色牢度", "4"),
        (BUYER, "OEKO-TEX Standard 100", "第II类 耐干摩擦色牢度", "4"),
    ],
)
SALIVA = (
    "耐唾液色牢度",
    "级",
    "min",
    "4",
    "4",
    "GB 31701-2015 A类",
    [(FOREIGN, "DIN 53160-1:2010", "日用品色牢度测定 第1部分：人造唾液", "4")],
)
ABSORPTION = (
    "吸水性（沉降时间）",
    "s",
    "max",
    "5",
    "10",
    "GB/T 22864-2009 一等品",
    [
        (FOREIGN, "JIS L 1907:2010", "纤维制品吸水性试验方法（沉降法）", "5"),
        (INTL, "ISO 18696:2006", "纺织品 吸水性测定 芯吸法", "5"),
    ],
)
LINT = (
    "毛巾掉毛率",
    "%",
    "max",
    "0.2",
    "1.0",
    "GB/T 22864-2009 一等品",
    [(BUYER, "JIS L 4105:2016", "毛巾（日本进口商采购要求）", "0.2")],
)
DOWN = (
    "含绒量",
    "%",
    "min",
    "90",
    "50",
    "GB/T 14272-2021",
    [
        (FOREIGN, "EN 12934:1999", "羽绒羽毛成分标签要求", "90"),
        (INTL, "IDFB Testing Regulations", "国际羽绒羽毛局测试规则 Part 4", "90"),
    ],
)

# (category, product, title, indicators)
SCHEMES = [
    (
        "bedding",
        "纯棉印花四件套",
        "纯棉床上用品对标方案（OEKO-TEX 第II类）",
        [FORMALDEHYDE, PH, RUBBING, WASHING],
    ),
    (
        "bedding",
        "婴幼儿床品",
        "婴幼儿床上用品对标方案（OEKO-TEX 第I类）",
        [BABY_FORMALDEHYDE, PH, SALIVA],
    ),
    ("towels", "纯棉毛巾", "纯棉毛巾吸水性对标方案（JIS/ISO）", [ABSORPTION, LINT, FORMALDEHYDE]),
    ("towels", "浴巾", "浴巾对标方案（JIS L 4105）", [ABSORPTION, LINT, WASHING]),
    ("bedding", "羽绒被", "羽绒被对标方案（EN 12934）", [DOWN, FORMALDEHYDE]),
    ("bedding", "枕芯", "枕芯对标方案（OEKO-TEX 第II类）", [FORMALDEHYDE, PH]),
]

BODIES = ["浙江省标准化研究院", "中国质量认证中心南京分中心", "江苏省纺织产品质量监督检验研究院"]

# (member index (0: the demo enterprise), scheme index, product, model, outcome)
DECLARATIONS = [
    (0, 0, "纯棉印花四件套", "HM-4P-180", "certified"),
    (0, 2, "纯棉提花毛巾", "HM-T-3470", "submitted"),
    (1, 0, "全棉活性印花四件套", "QS-200", "certified"),
    (1, 5, "荞麦枕芯", "QS-P-48", "accepted"),
    (2, 1, "婴儿纱布床品套件", "BB-01", "certified"),
    (2, 1, "婴儿纯棉床围", "BB-02", "returned"),
    (3, 2, "纯棉缎档毛巾", "TW-34", "certified"),
    (3, 3, "纯棉浴巾", "BT-70", "certified"),
    (4, 4, "白鹅绒被", "DQ-95", "certified"),
    (4, 5, "羽丝绒枕芯", "DP-74", "submitted"),
    (5, 0, "色织格子四件套", "YD-4", "expired"),
    (5, 3, "竹纤维浴巾", "BT-80", "accepted"),
    (6, 2, "儿童卡通毛巾", "KT-25", "certified"),
    (7, 1, "婴儿睡袋", "SB-90", "submitted"),
    (7, 4, "白鸭绒被", "DQ-90", "returned"),
    (8, 5, "记忆棉枕芯", "MP-60", "certified"),
    (9, 0, "天丝四件套", "TS-4", "submitted"),
    (9, 3, "超细纤维浴巾", "MF-70", "accepted"),
    (10, 2, "竹浆纤维毛巾", "BM-34", "submitted"),
    (11, 5, "乳胶枕芯", "LP-60", "submitted"),
]

STANDARDS_OFFICERS = ["林标准", "陈立标", "王守规", "周达标", "吴对标"]


def claims_for(scheme):
    """Values that meet each indicator's advanced value, with a margin, by indicator id."""
    values = {}
    for indicator in scheme.indicators.order_by("position", "pk"):
        target = indicator.advanced_value
        if indicator.direction == "max":
            value = (target * Decimal("0.8")).quantize(Decimal("0.1"))
        elif indicator.unit == "%":
            value = min(target + 2, Decimal(100))
        else:
            value = target
        values[str(indicator.pk)] = plain(value)
    return values


def seed(haimen, enterprise, log=print):
    with unscoped():
        if BenchmarkScheme.objects.filter(cooperative=haimen).exists():
            log("benchmarking: demo data already there")
            return
        admin = User.objects.filter(username="haimen-admin").first()
        enterprise_user = User.objects.filter(member=enterprise, is_active=True).first()
        others = list(
            Member.objects.filter(cooperative=haimen, status=Member.Status.ACTIVE)
            .exclude(pk=enterprise.pk)
            .order_by("pk")[:11]
        )
        members = [enterprise, *others]
        categories = {c.code: c for c in ProductCategory.objects.all()}
        made = []
        for code, product, title, indicators in SCHEMES:
            category = categories.get(code) or categories.get("bedding")
            if category is None:
                continue
            scheme = schemes.create_scheme(
                cooperative=haimen, actor=admin, category=category, product=product, title=title
            )
            for name, unit, direction, advanced, domestic, domestic_code, compared in indicators:
                schemes.add_indicator(
                    scheme=scheme,
                    actor=admin,
                    name=name,
                    unit=unit,
                    direction=direction,
                    advanced_value=advanced,
                    domestic_value=domestic,
                    domestic_standard=domestic_code,
                    compared=[
                        {"kind": kind, "code": c, "title": t, "value": v}
                        for kind, c, t, v in compared
                    ],
                )
            schemes.publish(scheme=scheme, actor=admin)
            made.append(scheme)
        today = timezone.localdate()
        number = 0
        for index, which, product, model, outcome in DECLARATIONS:
            if index >= len(members) or which >= len(made):
                continue
            member, scheme = members[index], made[which]
            actor = enterprise_user if index == 0 and enterprise_user else admin
            row = declarations.declare(
                member=member,
                actor=actor,
                scheme=scheme,
                product_name=product,
                model=model,
                values=claims_for(scheme),
            )
            if outcome == "submitted":
                continue
            if outcome == "returned":
                declarations.return_(
                    row=row, actor=admin, reason="检测报告超过一年，请补充近一年内的第三方检测报告"
                )
                continue
            declarations.accept(row=row, actor=admin, reason="自我声明材料齐全")
            if outcome == "accepted":
                continue
            number += 1
            certified_on = today - datetime.timedelta(days=30 * number)
            if outcome == "expired":
                certified_on = today - datetime.timedelta(days=3 * 365 + 40)
            declarations.certify(
                row=row,
                actor=admin,
                evaluation_body=BODIES[number % len(BODIES)],
                certificate_number=f"DBDB-{certified_on.year}-{number:04d}",
                certified_on=certified_on,
                valid_until=certified_on + datetime.timedelta(days=3 * 365),
            )
        officers = 0
        for member, name in zip(members[:5], STANDARDS_OFFICERS):
            if QualityPerson.objects.filter(
                member=member, role=QualityPerson.Role.CHIEF_STANDARDS_OFFICER, ended_on=None
            ).exists():
                continue
            QualityPerson.objects.create(
                cooperative=haimen,
                member=member,
                role=QualityPerson.Role.CHIEF_STANDARDS_OFFICER,
                name=name,
                position="标准化办公室主任",
                appointed_on=today - datetime.timedelta(days=200),
            )
            officers += 1
        rows = BenchmarkDeclaration.objects.filter(cooperative=haimen)
        log(
            f"benchmarking: {len(made)} schemes, {rows.count()} declarations "
            f"({rows.filter(status='certified').count()} certified), "
            f"{officers} chief standards officers"
        )

"""Demo data of the export programme (the Jilin seed, shown on the Haimen cooperative): a dozen
export products of bed linen (HS 6302) and quilts and pillows (HS 9404) over six member units,
going to EU countries, the US, Japan and Korea; four real foreign technical trade measures
matched to them, a few alerts acknowledged; five same-line declarations, three approved.
Idempotent: a second run finds the products there and adds nothing."""

from datetime import date

from coop.models import User
from coop.tenancy import unscoped
from exports.models import ExportProduct, SameLineProduct
from exports.services import measures, products, same_line
from members.models import Member
from standards.models import ProductCategory, Standard

# (member index (0: the demo enterprise), product, category code, HS code, markets)
PRODUCTS = [
    (0, "纯棉印花四件套", "bedding", "63022100", ["DE", "FR", "NL"]),
    (0, "全棉被芯", "bedding", "94044000", ["DE", "JP"]),
    (0, "荞麦枕芯", "bedding", "94049000", ["JP", "KR"]),
    (1, "纯棉色织床单", "bedding", "63023100", ["US", "GB"]),
    (1, "涤棉被套", "bedding", "63023200", ["IT", "ES"]),
    (2, "蚕丝被", "bedding", "94044000", ["US", "KR"]),
    (2, "羽绒枕", "bedding", "94049000", ["US"]),
    (3, "婴儿纯棉床品套件", "bedding", "63022100", ["US", "JP"]),
    (3, "儿童卡通被", "bedding", "94044000", ["US"]),
    (4, "超细纤维床笠", "bedding", "630232", ["PL", "DE"]),
    (4, "纯棉毛巾", "towels", "630260", ["JP"]),
    (5, "记忆棉枕芯", "bedding", "94049000", ["KR", "AU"]),
]

MEASURES = [
    {
        "country": "EU",
        "title": "REACH 附件十七第72项：服装及相关纺织品中33种 CMR 物质限制",
        "text": "与人体皮肤接触的服装、纺织品及鞋类中不得含有所列致癌、致突变或生殖毒性物质超过限值："
        "甲醛 75 mg/kg，多环芳烃各 1 mg/kg，部分邻苯二甲酸酯合计 1000 mg/kg 等。床上用品在适用范围内。",
        "hs_prefixes": ["6302", "9404"],
        "effective_on": date(2020, 11, 1),
        "reference": "(EU) 2018/1513",
    },
    {
        "country": "EU",
        "title": "REACH 附件十七：全氟己酸（PFHxA）及其盐和相关物质限制",
        "text": "面向消费者的纺织品、皮革及毛皮等产品中 PFHxA 及其盐不得超过 25 μg/kg，"
        "PFHxA 相关物质合计不得超过 1000 μg/kg。防水、防污整理的床品需核查整理剂。",
        "hs_prefixes": ["6302", "9404"],
        "effective_on": date(2026, 10, 10),
        "reference": "(EU) 2024/2462",
    },
    {
        "country": "US",
        "title": "CPSIA 儿童产品总铅含量限值与追踪标签要求",
        "text": "供12岁及以下儿童使用的产品，可触及部件总铅含量不得超过 100 mg/kg，"
        "须附永久性追踪标签并由认可实验室检测后出具儿童产品证书（CPC）。",
        "hs_prefixes": ["9404", "630221"],
        "effective_on": date(2011, 8, 14),
        "reference": "Public Law 110-314 §101",
    },
    {
        "country": "JP",
        "title": "日本《有害物质家用品控制法》甲醛限量",
        "text": "出生后24个月以内婴幼儿用纺织品甲醛吸光度差不得超过0.05（约 16 mg/kg），"
        "其他贴身纺织品（内衣、睡衣、床单、枕套等）甲醛不得超过 75 mg/kg；"
        "并禁止使用可分解出24种特定芳香胺的偶氮染料。",
        "hs_prefixes": ["6302", "9404"],
        "effective_on": date(2016, 4, 1),
        "reference": "昭和48年法律第112号",
    },
]

LINES = [
    (
        0,
        "纯棉印花四件套",
        ["DE", "FR", "NL"],
        "三厂街道一号车间印染后整理线：平网印花机2台，日产能3000套",
        True,
    ),
    (1, "纯棉色织床单", ["US", "GB"], "色织车间剑杆织机48台、定型机1台，内外销同批排产", True),
    (2, "蚕丝被", ["US", "KR"], "蚕丝被手工拉网线与绗缝线，年产能5万条", True),
    (3, "婴儿纯棉床品套件", ["US", "JP"], "婴幼儿专用缝制线，独立洁净车间", None),
    (4, "超细纤维床笠", ["PL", "DE"], "经编与裁剪缝制一体线", False),
]


def seed(haimen, enterprise, log=print):
    with unscoped():
        if ExportProduct.objects.filter(cooperative=haimen).exists():
            log("exports: demo data already there")
            return
        admin = User.objects.filter(username="haimen-admin").first()
        enterprise_user = User.objects.filter(member=enterprise, is_active=True).first()
        others = list(
            Member.objects.filter(cooperative=haimen, status=Member.Status.ACTIVE)
            .exclude(pk=enterprise.pk)
            .order_by("pk")[:5]
        )
        members = [enterprise, *others]
        categories = {c.code: c for c in ProductCategory.objects.all()}
        made = 0
        for index, name, category, hs_code, markets in PRODUCTS:
            if index >= len(members):
                continue
            products.save_export_product(
                member=members[index],
                actor=admin,
                name=name,
                hs_code=hs_code,
                markets=markets,
                category=categories.get(category),
                notify=False,
            )
            made += 1
        alerts = []
        for each in MEASURES:
            measure = measures.save_measure(cooperative=haimen, actor=admin, notify=False, **each)
            alerts += list(measure.alerts.order_by("pk"))
        # A few acknowledged: the demo enterprise's first, and one of every other member's.
        acknowledged, seen = 0, set()
        for alert in alerts:
            if alert.member_id in seen:
                continue
            seen.add(alert.member_id)
            if alert.member_id == enterprise.pk and enterprise_user is not None:
                measures.acknowledge(alert=alert, actor=enterprise_user, note="已通知面料供应商")
            elif alert.member_id != enterprise.pk and len(seen) % 2 == 0:
                measures.acknowledge(alert=alert, actor=None, note="已核查整理剂", check_who=False)
            else:
                continue
            acknowledged += 1
        standard = (
            Standard.objects.filter(code="GB/T 22796-2021").first()
            or Standard.objects.filter(cooperative__isnull=True).order_by("code").first()
        )
        declared = 0
        if standard is not None:
            for index, product, markets, line, verdict in LINES:
                if index >= len(members):
                    continue
                row = same_line.declare(
                    member=members[index],
                    actor=admin,
                    product=product,
                    standard=standard,
                    markets=markets,
                    line=line,
                )
                if verdict is True:
                    same_line.approve(
                        row=row, actor=admin, reason="现场核查：内外销同线生产、同一标准"
                    )
                elif verdict is False:
                    same_line.reject(
                        row=row, actor=admin, reason="内销产品执行标准与外销不一致，请补充检测报告"
                    )
                declared += 1
        log(
            f"exports: {made} export products, {len(MEASURES)} trade measures, "
            f"{len(alerts)} alerts ({acknowledged} acknowledged), {declared} same-line "
            f"declarations ({SameLineProduct.objects.filter(cooperative=haimen, status='approved').count()} approved)"
        )

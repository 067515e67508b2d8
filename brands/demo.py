"""Demo data of IP and brands for Haimen: the chamber's collective trademarks with the numbers
of the licences members hold (members/demo.py makes the licences), six design-patent pre-review
requests in every state (one overdue, one granted) and three infringement reports. Idempotent:
each part is made once, a second run adds nothing."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from brands.models import CollectiveTrademark, DesignReview, InfringementReport, LicenceTerms
from brands.services import design_reviews, infringements
from coop.models import User
from members.models import Member, TrademarkLicence

REGISTRANT = "南通市海门区家纺行业协会"
MARKS = [
    # (name, registration number, class, goods)
    ("海门家纺", "21547836", "第24类", "床单、被罩、枕套、被子、毛巾被、纺织品床罩"),
    ("叠石桥家纺", "30218864", "第24类", "床上用品、纺织品被套、蚊帐、纺织品毛巾"),
]
REVIEWS = [
    # (design, product, days before today it was submitted, steps taken)
    ("四件套（青花瓷纹样）", "床上用品四件套", 3, []),
    ("提花被套（海棠）", "被套", 8, ["forward"]),
    ("刺绣枕套（江海韵）", "枕套", 40, ["forward"]),  # overdue: still at the centre
    ("印花床盖（叠石）", "床盖", 24, ["forward", "pass"]),
    ("毛巾被（云纹）", "毛巾被", 30, ["forward", "return"]),
    ("蚕丝被外观（如意）", "蚕丝被", 95, ["forward", "pass", "grant"]),
]


def photo():
    """A small photo, as evidence, made here (no file is shipped)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("市场照片.png", buffer.getvalue(), content_type="image/png")


def seed(haimen, enterprise, log=print):
    admin = User.objects.get(username="haimen-admin")
    marks = seed_marks(haimen)
    numbered = seed_licence_numbers(haimen, marks)
    reviews = seed_reviews(haimen, enterprise, admin)
    reports = seed_reports(haimen, enterprise, admin, marks)
    log(
        f"brands: {len(marks)} collective trademarks, {numbered} licence numbers, "
        f"{reviews} design pre-reviews, {reports} infringement reports"
    )


def seed_marks(haimen):
    today = timezone.localdate()
    # The name members/demo.py gives the licences ("海门家纺"), registered first.
    names = list(
        TrademarkLicence.objects.filter(cooperative=haimen)
        .values_list("trademark", flat=True)
        .distinct()
    )
    marks = []
    for index, (name, number, nice_class, goods) in enumerate(MARKS):
        if index == 0 and names and name not in names:
            name = names[0]
        mark, _ = CollectiveTrademark.objects.get_or_create(
            cooperative=haimen,
            registration_number=number,
            defaults={
                "name": name,
                "nice_class": nice_class,
                "goods": goods,
                "registrant": REGISTRANT,
                "registered_on": today.replace(year=today.year - 6, month=4, day=14),
                "valid_until": today.replace(year=today.year + 4, month=4, day=13),
            },
        )
        marks.append(mark)
    return marks


def seed_licence_numbers(haimen, marks):
    """A number for each licence that has none, under the mark of its name."""
    by_name = {mark.name: mark for mark in marks}
    taken = LicenceTerms.objects.filter(cooperative=haimen).count()
    licences = (
        TrademarkLicence.objects.filter(cooperative=haimen, brand_terms__isnull=True)
        .select_related("member")
        .order_by("pk")
    )
    made = []
    for licence in licences:
        mark = by_name.get(licence.trademark, marks[0])
        made.append(
            LicenceTerms(
                cooperative=haimen,
                licence=licence,
                mark=mark,
                number=f"HMJF-{licence.starts_on:%Y}-{taken + len(made) + 1:04d}",
            )
        )
    LicenceTerms.objects.bulk_create(made)
    return taken + len(made)


def seed_reviews(haimen, enterprise, admin):
    if DesignReview.objects.filter(cooperative=haimen).exists():
        return DesignReview.objects.filter(cooperative=haimen).count()
    today = timezone.localdate()
    members = [enterprise] + list(
        Member.objects.filter(cooperative=haimen, status=Member.Status.ACTIVE, kind="enterprise")
        .exclude(pk=enterprise.pk)
        .order_by("pk")[:5]
    )
    for index, (design, product, days_ago, steps) in enumerate(REVIEWS):
        member = members[index % len(members)]
        review = design_reviews.submit(
            member=member,
            actor=admin,
            design_name=design,
            product=product,
            applicant=member.name,
            submitted_on=today - timedelta(days=days_ago),
        )
        for verb in steps:
            given = {
                "forward": {"centre_reference": f"NTIPC-{today:%Y}-{index + 101:04d}"},
                "return": {"reason": "视图不全：缺少仰视图和使用状态参考图，请补充后重新提交。"},
                "grant": {
                    "patent_number": f"ZL{today.year}3{1234560 + index:07d}.{index}",
                    "granted_on": today - timedelta(days=10),
                },
            }.get(verb, {})
            design_reviews.DESIGN_REVIEW.take(verb, review, actor=admin, check_who=False, **given)
    return len(REVIEWS)


def seed_reports(haimen, enterprise, admin, marks):
    if InfringementReport.objects.filter(cooperative=haimen).exists():
        return InfringementReport.objects.filter(cooperative=haimen).count()
    today = timezone.localdate()
    flow = infringements.INFRINGEMENT
    online = infringements.report(
        member=enterprise,
        actor=admin,
        mark=marks[0],
        channel=InfringementReport.Channel.ONLINE,
        url="https://shop.example.com/item/8812345",
        seen_on=today - timedelta(days=6),
        description="网店以“海门家纺”名义销售四件套，店主非协会会员，吊牌使用集体商标标识。",
    )
    flow.take("investigate", online, actor=admin, check_who=False)
    market = infringements.report(
        member=enterprise,
        actor=admin,
        mark=marks[0],
        channel=InfringementReport.Channel.MARKET,
        place="叠石桥国际家纺城三区二楼某摊位",
        seen_on=today - timedelta(days=21),
        description="摊位销售的被芯外包装印有集体商标，经核对无许可记录。",
        evidence=[photo()],
    )
    flow.take("investigate", market, actor=admin, check_who=False)
    flow.take(
        "refer",
        market,
        actor=admin,
        check_who=False,
        authority="海门区市场监督管理局",
        reference=f"海市监案〔{today.year}〕118号",
    )
    closed = infringements.report(
        member=enterprise,
        actor=admin,
        mark=marks[-1],
        channel=InfringementReport.Channel.ONLINE,
        url="https://live.example.com/room/55231",
        seen_on=today - timedelta(days=45),
        description="直播间宣称产品为“叠石桥家纺”集体商标产品。",
    )
    flow.take(
        "close",
        closed,
        actor=admin,
        check_who=False,
        outcome="经核实为会员企业授权经销商，许可有效，不构成侵权。",
    )
    return 3

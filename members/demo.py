"""Demo members and what hangs off them, sized on Haimen's public figures per 553 members:
72 chief quality officers, 481 quality specialists, 97 ISO 9001 certificates, 72 households
converted to companies, 30 grown above designated size (BRIEF.md)."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from coop.models import StepEvent
from members.chain_links import ensure_textile_links
from members.models import (
    Attendance,
    Certification,
    ChainLink,
    Convention,
    ConventionSignature,
    GrowthEvent,
    Honour,
    Member,
    MemberProductCategory,
    Pairing,
    PairingActivity,
    QualityPerson,
    TrademarkLicence,
    WorkstationSession,
)
from members.services.lifecycle import MEMBER
from members.tasks import issue_convention_certificate
from members.uscc import ALPHABET, check_character

# standards' model, reached through Member's relation: members sits below standards (layers).
ProductCategory = Member._meta.get_field("product_categories").related_model

HAIMEN_SCALE = 553
PRODUCTS = {
    "bedding": "四件套、被芯、枕芯",
    "towels": "毛巾、浴巾",
    "fabrics": "家纺面料",
    "fibre-products": "纤维填充物",
    "curtains": "窗帘、沙发布",
    "rice": "粳米、糯米",
    "vehicle-inspection": "机动车安全技术检验",
}
BRAND_FIRST = "锦华瑞鑫恒盛嘉美丽雅舒悦康源泰宏德顺福祥佳新金凯蓝梦欣宇"
BRAND_SECOND = "华达丰源盛泰美诚信和富强隆星宏安昌润祥"
ROADS = ["工业园路", "人民西路", "家纺城大道", "长江路", "通海路", "南海路", "兴业路"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡"
GIVEN = "建华国平志强军伟敏静丽秀英桂芳红霞明德海燕雪梅春兰晓东文斌"
STATUS_WEIGHTS = [
    (Member.Status.ACTIVE, 88),
    (Member.Status.UNDER_REVIEW, 3),
    (Member.Status.APPLIED, 3),
    (Member.Status.SUSPENDED, 3),
    (Member.Status.EXITED, 3),
]
SCALE_WEIGHTS = [
    (Member.Scale.MICRO, 45),
    (Member.Scale.SMALL, 30),
    (Member.Scale.MEDIUM, 10),
    (Member.Scale.ABOVE_DESIGNATED_SIZE, 15),
]
CHAIN_WEIGHTS = [
    (Member.ChainRole.RAW_MATERIAL, 15),
    (Member.ChainRole.AUXILIARY_MATERIAL, 15),
    (Member.ChainRole.FINISHED_PRODUCT, 70),
]
CONVENTION = dict(
    title="质量公约",
    text="为提升产业集群产品质量，社员单位自愿共同遵守本公约。",
    purpose="树立质量第一意识，共同提升产品质量和区域品牌信誉，推动产业高质量发展。",
    principles="质量第一、依法经营、诚信守约、共建共享。",
    duties="执行现行有效的国家标准、行业标准和团体标准；配合监督抽检；如实公开质量承诺；"
    "设立首席质量官和质量专员；发生质量问题及时整改。",
    member_conditions="依法登记的企业或个体工商户；近两年无重大质量违法记录；建立基本的质量管理制度。",
    entry_exit_rules="自愿申请，经合作社审核批准并签署本公约后成为社员单位；"
    "严重违反公约或监督抽查连续不合格的，经决定予以除名；社员单位可申请自愿退出。",
)


def pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def person_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))


def phone(rng):
    return "1" + rng.choice("3589") + "".join(rng.choices("0123456789", k=9))


def make_uscc(rng, entity_type, district_code):
    body = "9" + entity_type + district_code + "".join(rng.choices(ALPHABET, k=9))
    return body + check_character(body)


def generate_members(cooperative, plan, rng):
    """``plan.members`` fictional units with unique names and USCCs on real district codes."""
    names, codes, members = set(), set(), []
    span = (timezone.localdate() - plan.established).days
    while len(members) < plan.members:
        brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
        product, town = rng.choice(plan.products), rng.choice(plan.towns)
        household = rng.random() < 0.25
        name = (
            f"{cooperative.district.name_zh}{town}{brand}{product}经营部"
            if household
            else f"南通{brand}{product}有限公司"
        )
        uscc = make_uscc(rng, "2" if household else "1", plan.district_code)
        if name in names or uscc in codes:
            continue
        names.add(name)
        codes.add(uscc)
        status = pick(rng, STATUS_WEIGHTS)
        # Growth accelerates after the start, as Haimen went from 17 to 553 in five years.
        joined = plan.established + timedelta(days=int(span * (len(members) / plan.members) ** 0.7))
        category = rng.choice(plan.categories)
        members.append(
            Member(
                cooperative=cooperative,
                name=name,
                uscc=uscc,
                status=status,
                kind=Member.Kind.INDIVIDUAL_HOUSEHOLD if household else Member.Kind.ENTERPRISE,
                district=cooperative.district,
                town=town,
                scale=pick(rng, SCALE_WEIGHTS),
                chain_role=pick(rng, CHAIN_WEIGHTS),
                legal_representative=person_name(rng),
                contact_person=person_name(rng),
                contact_phone=phone(rng),
                address=f"{rng.choice(ROADS)}{rng.randint(1, 999)}号",
                main_products=PRODUCTS[category],
                joined_on=joined if status in ("active", "suspended", "exited") else None,
                exited_on=min(joined + timedelta(days=400), timezone.localdate())
                if status == "exited"
                else None,
            )
        )
        members[-1].demo_category = category
    return members


def seed_members(cooperative, plan):
    """Members new in this run, with their history and people. (count, how many new)."""
    existing = set(Member.objects.filter(cooperative=cooperative).values_list("uscc", flat=True))
    rng = random.Random(plan.slug)
    generated = generate_members(cooperative, plan, rng)
    new = [member for member in generated if member.uscc not in existing]
    Member.objects.bulk_create(new)
    if new:
        convention = seed_convention(cooperative, plan)
        seed_history(cooperative, new, convention, rng)
        seed_people_and_records(cooperative, new, rng)
    return len(existing) + len(new), len(new)


def seed_convention(cooperative, plan):
    convention, _ = Convention.objects.get_or_create(
        cooperative=cooperative,
        version=1,
        defaults=dict(
            CONVENTION, title=f"{cooperative.name_zh}质量公约", adopted_on=plan.established
        ),
    )
    return convention


def moment(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_history(cooperative, members, convention, rng):
    events, signatures, categories = [], [], []
    owned = dict(cooperative=cooperative)
    category_by_code = {category.code: category for category in ProductCategory.objects.all()}
    for member in members:
        categories.append(
            MemberProductCategory(
                **owned, member=member, category=category_by_code[member.demo_category]
            )
        )
        day = member.joined_on or timezone.localdate() - timedelta(days=rng.randint(1, 60))
        steps = [("apply", "", "applied", day - timedelta(days=30))]
        if member.status != "applied":
            steps.append(("review", "applied", "under_review", day - timedelta(days=20)))
        if member.joined_on:
            steps += [
                ("approve", "under_review", "approved", day - timedelta(days=10)),
                ("activate", "approved", "active", day),
            ]
            signatures.append(
                ConventionSignature(
                    **owned,
                    convention=convention,
                    member=member,
                    signer_name=member.legal_representative,
                    signer_position="法定代表人",
                    signed_at=moment(day),
                )
            )
        if member.status == "suspended":
            steps.append(("suspend", "active", "suspended", day + timedelta(days=200)))
        if member.status == "exited":
            steps.append(("exit", "active", "exited", member.exited_on))
        for verb, source, target, on in steps:
            event = MEMBER.event(
                member,
                verb,
                actor=None,
                from_state=source,
                reason="监督抽查不合格，限期整改" if verb == "suspend" else "",
                details=(
                    {"exit_kind": "withdrawal", "decision_date": on.isoformat()}
                    if verb == "exit"
                    else None
                ),
                at=moment(on),
            )
            # The history is made after the fact: each step leads where it led then, not to
            # the member's status of today.
            event.to_status = target
            events.append(event)
    MemberProductCategory.objects.bulk_create(categories)
    StepEvent.objects.bulk_create(events)
    ConventionSignature.objects.bulk_create(signatures)


def share(count, of):
    return round(count * of / HAIMEN_SCALE)


def seed_people_and_records(cooperative, members, rng):
    owned = dict(cooperative=cooperative)
    active = [m for m in members if m.status in ("active", "suspended")]
    people = [
        QualityPerson(
            **owned,
            member=m,
            role="cqo",
            name=person_name(rng),
            position="质量负责人",
            phone=phone(rng),
            appointed_on=m.joined_on,
            qualification_certificate=f"CQO-{m.joined_on.year}-{i:04d}",
        )
        for i, m in enumerate(active[: share(len(members), 72)])
    ]
    people += (
        [
            QualityPerson(
                **owned,
                member=m,
                role="specialist",
                name=person_name(rng),
                position="质量专员",
                phone=phone(rng),
                appointed_on=m.joined_on,
            )
            for m in rng.choices(active, k=share(len(members), 481))
        ]
        if active
        else []
    )
    QualityPerson.objects.bulk_create(people)
    today = timezone.localdate()
    certified = rng.sample(active, min(len(active), share(len(members), 97)))
    Certification.objects.bulk_create(
        Certification(
            **owned,
            member=m,
            scheme="iso9001",
            number=f"00{rng.randint(10**8, 10**9)}",
            body="中国质量认证中心",
            issued_on=(issued := today - timedelta(days=rng.randint(30, 1000))),
            expires_on=issued + timedelta(days=1095),
        )
        for m in certified
    )
    enterprises = [m for m in active if m.kind == "enterprise"]
    GrowthEvent.objects.bulk_create(
        [
            GrowthEvent(
                **owned, member=m, kind="household_to_company", on=m.joined_on + timedelta(days=300)
            )
            for m in enterprises[: share(len(members), 72)]
        ]
        + [
            GrowthEvent(
                **owned,
                member=m,
                kind="above_designated_size",
                on=m.joined_on + timedelta(days=500),
            )
            for m in [m for m in active if m.scale == "above_designated_size"][
                : share(len(members), 30)
            ]
        ]
    )
    TrademarkLicence.objects.bulk_create(
        TrademarkLicence(
            **owned,
            member=m,
            trademark=f"{cooperative.district.name_zh[:2]}家纺",
            starts_on=today - timedelta(days=200),
            ends_on=today + timedelta(days=895),
        )
        for m in enterprises[: share(len(members), 30)]
    )
    if enterprises:
        Honour.objects.create(
            **owned,
            member=enterprises[0],
            title="区长质量奖",
            awarded_by=f"{cooperative.district.name_zh}人民政府",
            awarded_on=today.replace(month=1, day=15),
        )
    seed_pairings(cooperative, active, rng)
    seed_workstation(cooperative, [p for p in people if p.role == "cqo"], rng)


def seed_pairings(cooperative, active, rng):
    leaders = [m for m in active if m.scale == "above_designated_size"][:5]
    partners = [m for m in active if m.scale == "micro"][: len(leaders)]
    for leader, partner in zip(leaders, partners):
        pairing = Pairing.objects.create(
            cooperative=cooperative,
            leader=leader,
            partner=partner,
            starts_on=max(leader.joined_on, partner.joined_on),
            goals="建立质量管理制度，产品抽检合格率达到 100%。",
        )
        for offset, kind, text in [
            (30, "shadowing", "质量员到龙头企业跟岗学习一周"),
            (90, "consultation", "龙头企业技术人员上门指导工艺改进"),
        ]:
            PairingActivity.objects.create(
                cooperative=cooperative,
                pairing=pairing,
                kind=kind,
                on=pairing.starts_on + timedelta(days=offset),
                description=text,
            )


def seed_workstation(cooperative, officers, rng):
    today = timezone.localdate()
    for months_ago, kind, title in [
        (9, "training", "GB 18401-2010 标准宣贯培训"),
        (6, "exchange", "首席质量官季度交流会"),
        (3, "training", "纤维含量标识（GB/T 29862）实务培训"),
        (1, "exchange", "质量问题整改经验交流会"),
    ]:
        session = WorkstationSession.objects.create(
            cooperative=cooperative,
            kind=kind,
            title=title,
            on=today - timedelta(days=30 * months_ago),
            place="合作社首席质量官工作站",
            hours=3 if kind == "training" else 2,
        )
        Attendance.objects.bulk_create(
            Attendance(cooperative=cooperative, session=session, person=person)
            for person in rng.sample(officers, min(len(officers), 20))
        )


def seed_demo_enterprise(cooperative):
    """The demo enterprise's own unit: active, signed, with its quality people."""
    body = "91320684MA1DEM01X"
    member, created = Member.objects.update_or_create(
        cooperative=cooperative,
        uscc=body + check_character(body),
        defaults=dict(
            name="南通锦华家纺有限公司",
            kind=Member.Kind.ENTERPRISE,
            status=Member.Status.ACTIVE,
            district=cooperative.district,
            town="三厂街道",
            scale=Member.Scale.SMALL,
            legal_representative="陈建华",
            contact_person="周静",
            contact_phone="13912345678",
            address="三厂街道工业园 8 号",
            main_products="四件套、被芯",
            joined_on=timezone.localdate() - timedelta(days=400),
        ),
    )
    if created:
        rng = random.Random("enterprise")
        QualityPerson.objects.create(
            cooperative=cooperative,
            member=member,
            role="cqo",
            name="周静",
            position="质量部经理",
            phone="13912345678",
            appointed_on=member.joined_on,
        )
        MEMBER.record(
            member, "activate", actor=None, from_state="approved", at=moment(member.joined_on)
        )
        ConventionSignature.objects.create(
            cooperative=cooperative,
            member=member,
            signer_name="陈建华",
            signer_position="法定代表人",
            convention=Convention.objects.get(cooperative=cooperative, version=1),
            signed_at=moment(member.joined_on),
        )
        QualityPerson.objects.create(
            cooperative=cooperative,
            member=member,
            role="specialist",
            name=person_name(rng),
            position="质检员",
            phone=phone(rng),
            appointed_on=member.joined_on,
        )
    return member


def issue_demo_certificate(member):
    """The demo enterprise's convention certificate, rendered like any other (once)."""
    signature = ConventionSignature.objects.filter(member=member).order_by("-signed_at").first()
    issue_convention_certificate(member.cooperative_id, signature.pk)


# The links of the textile chain the demo members work in (ChainLink, members/migrations/0010),
# as shares of each of their three roles: Haimen's cluster is mostly makers of finished home
# textiles selling through traders and shops, fed by fewer fibre, fabric, dyeing and accessory
# units (its 15/15/70 split of raw, auxiliary and finished, CHAIN_WEIGHTS).
CHAIN_LINK_WEIGHTS = {
    Member.ChainRole.RAW_MATERIAL: [("fibre-yarn", 1), ("fabric", 1)],
    Member.ChainRole.AUXILIARY_MATERIAL: [("dyeing-finishing", 1), ("accessories", 2)],
    Member.ChainRole.FINISHED_PRODUCT: [("finished-goods", 6), ("trade-ecommerce", 1)],
}


def seed_chain_links(haimen, enterprise=None, log=print):
    """Place the textile cooperative's members not placed yet in a link of the chain, by their
    role, in the shares above; the same members get the same links on every run (seeded by the
    member's id), and a second run places none (it changes only members without a link). The
    links are made first where missing (a test may have emptied the migration's rows)."""
    links = ensure_textile_links(ChainLink)
    unplaced = Member.objects.filter(cooperative=haimen, chain_link__isnull=True).values_list(
        "pk", "chain_role"
    )
    chosen = {}
    for pk, role in unplaced:
        code = pick(
            random.Random(pk), CHAIN_LINK_WEIGHTS.get(role, CHAIN_LINK_WEIGHTS["finished_product"])
        )
        chosen.setdefault(code, []).append(pk)
    for code, ids in chosen.items():
        Member.objects.filter(pk__in=ids).update(chain_link=links[code])
    placed = sum(len(ids) for ids in chosen.values())
    log(f"Chain links: {placed} members of {haimen.slug} placed in the textile chain")
    return placed

"""Demo data of the standards library for one cooperative: its collection, a group standard
stricter than the national one, members' declarations (some on a replaced standard, which the
daily check then flags), drafting and a standards training session."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from members.models import Attendance, Member, QualityPerson, WorkstationSession
from standards.models import (
    CollectionEntry,
    DeclaredStandard,
    Drafting,
    Indicator,
    Limit,
    ProductCategory,
    ProductDeclaration,
    Standard,
)
from standards.services import flag_outdated

COLLECTION = [
    ("基础通用", ["GB 18401-2010", "GB 31701-2015", "GB 5296.4-2012", "GB/T 29862-2013"]),
    (
        "产品标准",
        [
            "GB/T 22796-2021",
            "GB/T 22864-2009",
            "GB/T 22800-2009",
            "FZ/T 62017-2009",
            "FZ/T 62021-2012",
        ],
    ),
    ("团体标准", ["T/HMJF 001-2024"]),
]
PRODUCTS = [
    ("四件套", "bedding", "GB/T 22796-2021"),
    ("被芯", "bedding", "GB/T 22796-2021"),
    ("毛巾", "towels", "GB/T 22864-2009"),
    ("浴巾", "towels", "GB/T 22864-2009"),
]


def seed(cooperative, enterprise):
    """Once per cooperative: a rerun finds the group standard and does nothing."""
    if Standard.objects.filter(cooperative=cooperative).exists():
        return
    by_code = {s.code: s for s in Standard.objects.filter(cooperative=None)}
    by_code["T/HMJF 001-2024"] = group_standard(cooperative)
    CollectionEntry.objects.bulk_create(
        CollectionEntry(
            cooperative=cooperative, standard=by_code[code], section=section, position=position
        )
        for section, codes in COLLECTION
        for position, code in enumerate(codes)
    )
    members = list(Member.objects.filter(cooperative=cooperative, status="active")[:30])
    categories = {c.code: c for c in ProductCategory.objects.all()}
    for index, member in enumerate([enterprise, *members]):
        product, category, standard = PRODUCTS[index % len(PRODUCTS)]
        if index % 7 == 3 and category == "bedding":  # never updated since its standard went
            standard = "GB/T 22797-2009"
        declared = [by_code["GB 18401-2010"], by_code[standard]]
        if member == enterprise:
            declared.append(by_code["T/HMJF 001-2024"])
        declaration = ProductDeclaration.objects.create(
            cooperative=cooperative,
            member=member,
            product=product,
            category=categories[category],
            safety_category="B",
            declared_on=date(2021, 6, 1),
        )
        DeclaredStandard.objects.bulk_create(
            DeclaredStandard(cooperative=cooperative, declaration=declaration, standard=s)
            for s in declared
        )
    draftings = [
        ("GB/T 22796-2021", "join", 2021),
        ("T/HMJF 001-2024", "lead", 2024),
        ("T/HMJF 001-2024", "join", 2024),
    ]
    for member, (code, role, year) in zip(members, draftings):  # fewer with a small demo
        Drafting.objects.create(
            cooperative=cooperative, member=member, standard=by_code[code], role=role, year=year
        )
    training = WorkstationSession.objects.create(
        cooperative=cooperative,
        kind="standards",
        title="GB/T 22796-2021《床上用品》贯标培训",
        on=timezone.localdate().replace(day=1),
        place="合作社首席质量官工作站",
        hours=3,
        standard=by_code["GB/T 22796-2021"],
    )
    officers = QualityPerson.objects.filter(cooperative=cooperative, role="cqo")[:15]
    Attendance.objects.bulk_create(
        Attendance(cooperative=cooperative, session=training, person=person) for person in officers
    )
    flag_outdated(cooperative.pk)


def group_standard(cooperative):
    """A group standard stricter than GB 18401 on formaldehyde and pH, to benchmark against."""
    standard = Standard.objects.create(
        cooperative=cooperative,
        code="T/HMJF 001-2024",
        level="group",
        title_zh="海门家纺 床上用品质量要求",
        issuing_body="海门区家纺商会",
        implemented_on=date(2024, 6, 1),
        published=True,
    )
    standard.product_categories.set(ProductCategory.objects.filter(code="bedding"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    for code, low, high in [("formaldehyde", None, "50"), ("ph", "4.5", "7.5")]:
        Limit.objects.create(
            standard=standard,
            indicator=indicators[code],
            category="B",
            minimum=low and Decimal(low),
            maximum=Decimal(high),
        )
    Limit.objects.create(
        standard=standard,
        indicator=indicators["fastness-dry-rubbing"],
        category="B",
        minimum=Decimal("3.5"),
    )
    return standard

"""The reference data this portal starts with (FACTS.md): product categories, home-textile
standards, their test methods, and the limits of GB 18401-2010. ``manage.py load_standards``."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from coop.tenancy import unscoped
from standards.models import Indicator, Limit, ProductCategory, Standard

CATEGORIES = [
    ("bedding", "床上用品", "Bedding"),
    ("towels", "毛巾", "Towels"),
    ("fabrics", "面料", "Fabrics"),
    ("fibre-products", "纤维制品", "Fibre products"),
    ("curtains", "窗帘布艺", "Curtains"),
    ("rice", "大米", "Rice"),
    ("vehicle-inspection", "机动车检验", "Motor-vehicle inspection"),
]

# code, title (zh), title (en), in force from, superseded by (code), categories
STANDARDS = [
    (
        "GB 18401-2010",
        "国家纺织产品基本安全技术规范",
        "National general safety technical code for textile products",
        date(2011, 8, 1),
        None,
        ["bedding", "towels", "fabrics", "curtains"],
    ),
    (
        "GB 31701-2015",
        "婴幼儿及儿童纺织产品安全技术规范",
        "Safety technical code for textile products for infants and children",
        date(2016, 6, 1),
        None,
        ["bedding", "towels"],
    ),
    (
        "GB 5296.4-2012",
        "消费品使用说明 第4部分：纺织品和服装",
        "Instructions for use of products of consumer interest, part 4: textiles and apparel",
        date(2014, 5, 1),
        None,
        ["bedding", "towels", "fabrics"],
    ),
    (
        "GB/T 29862-2013",
        "纺织品 纤维含量的标识",
        "Textiles: identification of fibre content",
        date(2014, 5, 1),
        None,
        ["bedding", "towels", "fabrics", "fibre-products"],
    ),
    (
        "FZ/T 01053-2007",
        "纺织品 纤维含量的标识",
        "Textiles: identification of fibre content",
        date(2007, 11, 1),
        "GB/T 29862-2013",
        ["fabrics"],
    ),
    ("GB/T 22796-2021", "床上用品", "Bedding", date(2022, 2, 1), None, ["bedding"]),
    (
        "GB/T 22796-2009",
        "被、被套",
        "Quilts and quilt covers",
        date(2009, 11, 1),
        "GB/T 22796-2021",
        ["bedding"],
    ),
    ("GB/T 22797-2009", "床单", "Bed sheets", date(2009, 11, 1), "GB/T 22796-2021", ["bedding"]),
    (
        "GB/T 22843-2009",
        "枕、垫类产品",
        "Pillows and cushions",
        date(2009, 12, 1),
        "GB/T 22796-2021",
        ["bedding"],
    ),
    (
        "GB/T 22844-2009",
        "配套床上用品",
        "Bedding sets",
        date(2009, 12, 1),
        "GB/T 22796-2021",
        ["bedding"],
    ),
    (
        "GB/T 22855-2009",
        "毛巾被",
        "Towelling blankets",
        date(2009, 12, 1),
        "GB/T 22796-2021",
        ["bedding"],
    ),
    ("GB/T 22864-2009", "毛巾", "Towels", date(2009, 12, 1), None, ["towels"]),
    (
        "GB/T 22800-2009",
        "星级旅游饭店用纺织品",
        "Textiles for star-rated tourist hotels",
        date(2009, 12, 1),
        None,
        ["bedding", "towels"],
    ),
    ("FZ/T 62017-2009", "毛巾浴衣", "Towelling bathrobes", date(2010, 4, 1), None, ["towels"]),
    (
        "FZ/T 62021-2012",
        "厨浴清洁巾",
        "Kitchen and bath cleaning cloths",
        date(2012, 11, 1),
        None,
        ["towels"],
    ),
    # Test methods
    (
        "GB/T 2912.1-2009",
        "纺织品 甲醛的测定 第1部分：游离和水解的甲醛（水萃取法）",
        "Textiles: determination of formaldehyde, part 1 (water extraction)",
        date(2010, 2, 1),
        None,
        [],
    ),
    (
        "GB/T 7573-2009",
        "纺织品 水萃取液pH值的测定",
        "Textiles: determination of pH of aqueous extract",
        date(2010, 2, 1),
        None,
        [],
    ),
    (
        "GB/T 5713-2013",
        "纺织品 色牢度试验 耐水色牢度",
        "Textiles: tests for colour fastness to water",
        date(2014, 5, 1),
        None,
        [],
    ),
    (
        "GB/T 3922-2013",
        "纺织品 色牢度试验 耐汗渍色牢度",
        "Textiles: tests for colour fastness to perspiration",
        date(2014, 5, 1),
        None,
        [],
    ),
    (
        "GB/T 3920-2008",
        "纺织品 色牢度试验 耐摩擦色牢度",
        "Textiles: tests for colour fastness to rubbing",
        date(2009, 6, 1),
        None,
        [],
    ),
    (
        "GB/T 18886-2019",
        "纺织品 色牢度试验 耐唾液色牢度",
        "Textiles: tests for colour fastness to saliva",
        date(2020, 7, 1),
        None,
        [],
    ),
    (
        "GB/T 17592-2011",
        "纺织品 禁用偶氮染料的测定",
        "Textiles: determination of banned azo colourants",
        date(2012, 6, 1),
        None,
        [],
    ),
    (
        "GB/T 23344-2009",
        "纺织品 4-氨基偶氮苯的测定",
        "Textiles: determination of 4-aminoazobenzene",
        date(2009, 12, 1),
        None,
        [],
    ),
]

# code, name (zh), name (en), unit, result type, decimals, categories, method
INDICATORS = [
    (
        "formaldehyde",
        "甲醛含量",
        "formaldehyde content",
        "mg/kg",
        "numeric",
        0,
        {},
        "GB/T 2912.1-2009",
    ),
    ("ph", "pH值", "pH value", "", "numeric", 1, {}, "GB/T 7573-2009"),
    (
        "fastness-water",
        "耐水色牢度（变色、沾色）",
        "colour fastness to water",
        "级",
        "grade",
        0,
        {},
        "GB/T 5713-2013",
    ),
    (
        "fastness-acid-perspiration",
        "耐酸汗渍色牢度（变色、沾色）",
        "colour fastness to acid perspiration",
        "级",
        "grade",
        0,
        {},
        "GB/T 3922-2013",
    ),
    (
        "fastness-alkaline-perspiration",
        "耐碱汗渍色牢度（变色、沾色）",
        "colour fastness to alkaline perspiration",
        "级",
        "grade",
        0,
        {},
        "GB/T 3922-2013",
    ),
    (
        "fastness-dry-rubbing",
        "耐干摩擦色牢度",
        "colour fastness to dry rubbing",
        "级",
        "grade",
        0,
        {},
        "GB/T 3920-2008",
    ),
    (
        "fastness-saliva",
        "耐唾液色牢度（变色、沾色）",
        "colour fastness to saliva",
        "级",
        "grade",
        0,
        {},
        "GB/T 18886-2019",
    ),
    # Category labels per language, as the names are: a page in English reads "none", one in
    # Chinese and the test report 无 (standards.notation.category_label).
    (
        "odour",
        "异味",
        "odour",
        "",
        "categorical",
        0,
        {"none": {"zh": "无", "en": "none"}, "present": {"zh": "有", "en": "present"}},
        None,
    ),
    (
        "azo-amines",
        "可分解致癌芳香胺染料",
        "decomposable carcinogenic aromatic amine dyes",
        "mg/kg",
        "detection",
        0,
        {},
        "GB/T 17592-2011",
    ),
]

# GB 18401-2010: indicator -> {category: (minimum, maximum)}; a missing category has no limit.
GB_18401 = {
    "formaldehyde": {"A": (None, "20"), "B": (None, "75"), "C": (None, "300")},
    "ph": {"A": ("4.0", "7.5"), "B": ("4.0", "8.5"), "C": ("4.0", "9.0")},
    "fastness-water": {"A": ("3.5", None), "B": ("3", None), "C": ("3", None)},
    "fastness-acid-perspiration": {"A": ("3.5", None), "B": ("3", None)},
    "fastness-alkaline-perspiration": {"A": ("3.5", None), "B": ("3", None)},
    "fastness-dry-rubbing": {"A": ("4", None), "B": ("3", None), "C": ("3", None)},
    "fastness-saliva": {"A": ("4", None)},
}


def decimal(text):
    return Decimal(text) if text is not None else None


@transaction.atomic
def load():
    """Create or update the catalogue; a rerun changes nothing."""
    with unscoped():
        for code, name_zh, name_en in CATEGORIES:
            ProductCategory.objects.update_or_create(
                code=code, defaults=dict(name_zh=name_zh, name_en=name_en)
            )
        by_code = {}
        for code, title_zh, title_en, in_force, _successor, categories in STANDARDS:
            standard = Standard(
                code=code, title_zh=title_zh, title_en=title_en, implemented_on=in_force
            )
            standard.clean()  # parses the code and sets the level
            by_code[code], _ = Standard.objects.update_or_create(
                cooperative=None,
                code=standard.code,
                defaults=dict(
                    level=standard.level,
                    title_zh=title_zh,
                    title_en=title_en,
                    implemented_on=in_force,
                    issuing_body="国家市场监督管理总局"
                    if standard.level != "industry"
                    else "工业和信息化部",
                ),
            )
            by_code[code].product_categories.set(
                ProductCategory.objects.filter(code__in=categories)
            )
        for code, *_rest, successor, _categories in STANDARDS:
            if successor:
                Standard.objects.filter(pk=by_code[code].pk).update(
                    superseded_by=by_code[successor]
                )
        indicators = {}
        for code, name_zh, name_en, unit, kind, decimals, categories, method in INDICATORS:
            indicators[code], _ = Indicator.objects.update_or_create(
                code=code,
                defaults=dict(
                    name_zh=name_zh,
                    name_en=name_en,
                    unit=unit,
                    result_type=kind,
                    decimals=decimals,
                    categories=categories,
                    method=by_code.get(method),
                ),
            )
        gb_18401 = by_code["GB 18401-2010"]
        for code, by_category in GB_18401.items():
            for category, (low, high) in by_category.items():
                Limit.objects.update_or_create(
                    standard=gb_18401,
                    indicator=indicators[code],
                    category=category,
                    defaults=dict(minimum=decimal(low), maximum=decimal(high)),
                )
        Limit.objects.update_or_create(
            standard=gb_18401,
            indicator=indicators["odour"],
            category="",
            defaults=dict(allowed=["none"]),
        )
        Limit.objects.update_or_create(
            standard=gb_18401,
            indicator=indicators["azo-amines"],
            category="",
            defaults=dict(prohibited=True, detection_limit=Decimal(20)),
        )
    return len(by_code), len(indicators)

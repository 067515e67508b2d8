"""The reference data this portal starts with: product categories; the home-textile standards
(GB 18401-2010《国家纺织产品基本安全技术规范》, GB/T 22796-2021《床上用品》, GB/T 29862-2013
《纺织品 纤维含量的标识》 …), the rice standards (GB/T 1354-2018《大米》, GB 2762-2022 and
GB 2761-2017) and the motor-vehicle inspection standards (GB 7258-2017, GB 18285-2018,
GB 3847-2018), their test methods, indicators and limits. ``manage.py load_standards``.

A limit cites its clause; one not yet confirmed against the standard's text is marked
``unconfirmed`` with a note saying what to check, and the catalogue page shows it so."""

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
    (
        "GB/T 3921-2008",
        "纺织品 色牢度试验 耐皂洗色牢度",
        "Textiles: tests for colour fastness to washing with soap or soap and soda",
        date(2009, 6, 1),
        None,
        [],
    ),
    (
        "GB/T 8427-2019",
        "纺织品 色牢度试验 耐人造光色牢度：氙弧",
        "Textiles: tests for colour fastness to artificial light: xenon arc fading lamp test",
        date(2020, 7, 1),
        None,
        [],
    ),
    (
        "GB/T 8630-2013",
        "纺织品 洗涤和干燥后尺寸变化的测定",
        "Textiles: determination of dimensional change in washing and drying",
        date(2014, 5, 1),
        None,
        [],
    ),
    (
        "GB/T 4802.1-2008",
        "纺织品 织物起毛起球性能的测定 第1部分：圆轨迹法",
        "Textiles: determination of fabric propensity to surface fuzzing and to pilling, part 1: circular locus method",
        date(2009, 1, 1),
        None,
        [],
    ),
    (
        "GB/T 2910.1-2009",
        "纺织品 定量化学分析 第1部分：试验通则",
        "Textiles: quantitative chemical analysis, part 1: general principles of testing",
        date(2010, 2, 1),
        None,
        [],
    ),
    # Rice
    ("GB/T 1354-2018", "大米", "Rice", date(2019, 5, 1), None, ["rice"]),
    (
        "GB 2762-2022",
        "食品安全国家标准 食品中污染物限量",
        "National food safety standard: maximum levels of contaminants in foods",
        date(2023, 6, 30),
        None,
        ["rice"],
    ),
    (
        "GB 2761-2017",
        "食品安全国家标准 食品中真菌毒素限量",
        "National food safety standard: maximum levels of mycotoxins in foods",
        date(2017, 9, 17),
        None,
        ["rice"],
    ),
    (
        "GB 5009.3-2016",
        "食品安全国家标准 食品中水分的测定",
        "National food safety standard: determination of moisture in foods",
        date(2017, 3, 1),
        None,
        [],
    ),
    (
        "GB 5009.12-2023",
        "食品安全国家标准 食品中铅的测定",
        "National food safety standard: determination of lead in foods",
        date(2024, 3, 6),
        None,
        [],
    ),
    (
        "GB 5009.15-2023",
        "食品安全国家标准 食品中镉的测定",
        "National food safety standard: determination of cadmium in foods",
        date(2024, 3, 6),
        None,
        [],
    ),
    (
        "GB 5009.22-2016",
        "食品安全国家标准 食品中黄曲霉毒素B族和G族的测定",
        "National food safety standard: determination of aflatoxins B and G in foods",
        date(2017, 6, 23),
        None,
        [],
    ),
    (
        "GB/T 5503-2009",
        "粮油检验 碎米检验法",
        "Inspection of grain and oils: method for determination of broken rice",
        date(2009, 7, 1),
        None,
        [],
    ),
    (
        "GB/T 5494-2019",
        "粮油检验 粮食、油料的杂质、不完善粒检验",
        "Inspection of grain and oils: determination of foreign matter and unsound kernels",
        date(2019, 12, 1),
        None,
        [],
    ),
    # Motor-vehicle inspection
    (
        "GB 7258-2017",
        "机动车运行安全技术条件",
        "Technical specifications for safety of power-driven vehicles operating on roads",
        date(2018, 1, 1),
        None,
        ["vehicle-inspection"],
    ),
    (
        "GB 18285-2018",
        "汽油车污染物排放限值及测量方法（双怠速法及简易工况法）",
        "Limits and measurement methods for emissions from gasoline vehicles (two-speed idle and short driving mode)",
        date(2019, 5, 1),
        None,
        ["vehicle-inspection"],
    ),
    (
        "GB 3847-2018",
        "柴油车污染物排放限值及测量方法（自由加速法及加载减速法）",
        "Limits and measurement methods for emissions from diesel vehicles (free acceleration and lug-down)",
        date(2019, 5, 1),
        None,
        ["vehicle-inspection"],
    ),
    (
        "GB 38900-2020",
        "机动车安全技术检验项目和方法",
        "Items and methods for safety technical inspection of motor vehicles",
        date(2021, 1, 1),
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
        "GB 18401-2010",  # its own method, 6.7
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
    # The home-textile cooperative's other key indicators (GB/T 22796-2021's internal quality).
    (
        "fastness-wet-rubbing",
        "耐湿摩擦色牢度",
        "colour fastness to wet rubbing",
        "级",
        "grade",
        0,
        {},
        "GB/T 3920-2008",
    ),
    (
        "fastness-soaping",
        "耐皂洗色牢度（变色、沾色）",
        "colour fastness to washing with soap",
        "级",
        "grade",
        0,
        {},
        "GB/T 3921-2008",
    ),
    (
        "fastness-light",
        "耐光色牢度",
        "colour fastness to light",
        "级",
        "grade",
        0,
        {},
        "GB/T 8427-2019",
    ),
    (
        "dimensional-change-washing",
        "水洗尺寸变化率",
        "dimensional change in washing",
        "%",
        "numeric",
        1,
        {},
        "GB/T 8630-2013",
    ),
    ("pilling", "起球", "pilling", "级", "grade", 0, {}, "GB/T 4802.1-2008"),
    ("fibre-content", "纤维含量", "fibre content", "%", "composition", 1, {}, "GB/T 2910.1-2009"),
    (
        "fibre-content-filling",
        "填充物纤维含量",
        "fibre content of the filling",
        "%",
        "composition",
        1,
        {},
        "GB/T 2910.1-2009",
    ),
    # Rice
    ("moisture", "水分", "moisture", "%", "numeric", 1, {}, "GB 5009.3-2016"),
    ("broken-rice", "碎米总量", "broken rice, total", "%", "numeric", 1, {}, "GB/T 5503-2009"),
    ("impurities", "杂质总量", "foreign matter, total", "%", "numeric", 2, {}, "GB/T 5494-2019"),
    ("unsound-kernels", "不完善粒", "unsound kernels", "%", "numeric", 1, {}, "GB/T 5494-2019"),
    ("lead", "铅（以Pb计）", "lead (as Pb)", "mg/kg", "numeric", 2, {}, "GB 5009.12-2023"),
    ("cadmium", "镉（以Cd计）", "cadmium (as Cd)", "mg/kg", "numeric", 2, {}, "GB 5009.15-2023"),
    ("aflatoxin-b1", "黄曲霉毒素B₁", "aflatoxin B1", "µg/kg", "numeric", 1, {}, "GB 5009.22-2016"),
    # Motor-vehicle inspection
    (
        "co-low-idle",
        "低怠速一氧化碳（CO）",
        "carbon monoxide at low idle (CO)",
        "%",
        "numeric",
        2,
        {},
        "GB 18285-2018",
    ),
    (
        "hc-low-idle",
        "低怠速碳氢化合物（HC）",
        "hydrocarbons at low idle (HC)",
        "10⁻⁶",
        "numeric",
        0,
        {},
        "GB 18285-2018",
    ),
    (
        "co-high-idle",
        "高怠速一氧化碳（CO）",
        "carbon monoxide at high idle (CO)",
        "%",
        "numeric",
        2,
        {},
        "GB 18285-2018",
    ),
    (
        "hc-high-idle",
        "高怠速碳氢化合物（HC）",
        "hydrocarbons at high idle (HC)",
        "10⁻⁶",
        "numeric",
        0,
        {},
        "GB 18285-2018",
    ),
    ("lambda", "过量空气系数（λ）", "excess air ratio (λ)", "", "numeric", 2, {}, "GB 18285-2018"),
    (
        "smoke-opacity",
        "自由加速烟度（光吸收系数）",
        "smoke opacity in free acceleration (light absorption coefficient)",
        "m⁻¹",
        "numeric",
        2,
        {},
        "GB 3847-2018",
    ),
    (
        "service-brake",
        "行车制动率（整车）",
        "service braking ratio (whole vehicle)",
        "%",
        "numeric",
        1,
        {},
        "GB 38900-2020",
    ),
    (
        "parking-brake",
        "驻车制动率",
        "parking braking ratio",
        "%",
        "numeric",
        1,
        {},
        "GB 38900-2020",
    ),
    (
        "headlamp-intensity",
        "远光发光强度（两灯制，单灯）",
        "main-beam luminous intensity (two-lamp system, each lamp)",
        "cd",
        "numeric",
        0,
        {},
        "GB 38900-2020",
    ),
    (
        "side-slip",
        "转向轮横向侧滑量",
        "side slip of the steered wheels",
        "m/km",
        "numeric",
        1,
        {},
        "GB 38900-2020",
    ),
]

# What the method can see (未检出 below it) and the largest reading that means anything, where
# the unit alone does not say (``verdicts.read``). GB/T 2912.1-2009: under 20 mg/kg is 未检出.
INDICATOR_READINGS = {
    "formaldehyde": {"detection_limit": Decimal(20)},
    "ph": {"largest": Decimal(14)},
    "dimensional-change-washing": {"largest": Decimal(100)},
    "hc-low-idle": {"largest": Decimal(1_000_000)},
    "hc-high-idle": {"largest": Decimal(1_000_000)},
    "lambda": {"largest": Decimal(10)},
    "smoke-opacity": {"largest": Decimal(100)},
    "service-brake": {"largest": Decimal(200)},
    "parking-brake": {"largest": Decimal(200)},
    "headlamp-intensity": {"largest": Decimal(1_000_000)},
    "side-slip": {"largest": Decimal(100)},
    "aflatoxin-b1": {"largest": Decimal(1_000_000)},
}

# The home-textile cooperative's 15 key indicators of a free test (GB/T 22796-2021 for bedding
# holds a limit on each; saliva fastness for category A only).
KEY_INDICATORS = [
    "fibre-content",
    "formaldehyde",
    "ph",
    "odour",
    "azo-amines",
    "fastness-water",
    "fastness-acid-perspiration",
    "fastness-alkaline-perspiration",
    "fastness-dry-rubbing",
    "fastness-wet-rubbing",
    "fastness-saliva",
    "fastness-soaping",
    "fastness-light",
    "dimensional-change-washing",
    "pilling",
]

# GB 18401-2010 表1: indicator -> {category: (minimum, maximum)}; a missing category has no
# limit. Category C's perspiration fastness is at least 3, as B's (an earlier table here left
# it out; migration standards/0008 adds it to existing catalogues).
GB_18401 = {
    "formaldehyde": {"A": (None, "20"), "B": (None, "75"), "C": (None, "300")},
    "ph": {"A": ("4.0", "7.5"), "B": ("4.0", "8.5"), "C": ("4.0", "9.0")},
    "fastness-water": {"A": ("3.5", None), "B": ("3", None), "C": ("3", None)},
    "fastness-acid-perspiration": {"A": ("3.5", None), "B": ("3", None), "C": ("3", None)},
    "fastness-alkaline-perspiration": {"A": ("3.5", None), "B": ("3", None), "C": ("3", None)},
    "fastness-dry-rubbing": {"A": ("4", None), "B": ("3", None), "C": ("3", None)},
    "fastness-saliva": {"A": ("4", None)},
}
GB_18401_CLAUSE = "表1"

UNCONFIRMED_22796 = (
    "合格品的要求，未与 GB/T 22796-2021 原文核对",
    "the requirement of a qualified product (the lowest grade), not yet checked against the text of "
    "GB/T 22796-2021",
)
UNCONFIRMED_RICE_GRADE = (
    "粳米三级（最低等级）的要求，未与 GB/T 1354-2018 表1 原文核对；籼米和其他等级不同",
    "japonica rice, grade 3 (the lowest); not yet checked against table 1 of GB/T 1354-2018; "
    "indica rice and the other grades differ",
)
UNCONFIRMED = ("未与标准原文核对", "not yet checked against the standard's text")
UNCONFIRMED_LIMIT_B = (
    "限值b（现行），未与标准原文核对；限值a 较宽",
    "limit b (now in force), not yet checked against the standard's text; limit a is looser",
)
UNCONFIRMED_GENERAL_TOLERANCE = (
    "一般允差（5个百分点）未与 GB/T 29862-2013 原文核对；≤10% 的纤维允差3个百分点、≤3% 的不得为0 已核对（7.4）",
    "the general tolerance (5 points) is not yet checked against GB/T 29862-2013; fibres at "
    "≤ 10 %: 3 points and ≤ 3 %: not 0 are (7.4)",
)
UNCONFIRMED_FILLING_TOLERANCE = (
    "填充物一般允差（10个百分点）未与 GB/T 29862-2013 原文核对；≤20% 的纤维允差5个百分点、≤5% 的不得为0 已核对（7.4）",
    "the general tolerance of fillings (10 points) is not yet checked against GB/T 29862-2013; "
    "fibres at ≤ 20 %: 5 points and ≤ 5 %: not 0 are (7.4)",
)

# Other limits: (standard, indicator, category, minimum, maximum, clause, unconfirmed note).
# A category "" holds for every category. A note (zh, en) marks a value not confirmed.
LIMITS = [
    # GB/T 22796-2021 床上用品: the safety requirements of GB 18401 for each category, fibre
    # content as GB/T 29862, and its own internal quality.
    *(
        ("GB/T 22796-2021", code, category, low, high, "按 GB 18401-2010 表1", None)
        for code, by_category in GB_18401.items()
        for category, (low, high) in by_category.items()
    ),
    (
        "GB/T 22796-2021",
        "fibre-content",
        "",
        None,
        "5",
        "按 GB/T 29862-2013 第7章",
        UNCONFIRMED_GENERAL_TOLERANCE,
    ),
    ("GB/T 22796-2021", "fastness-wet-rubbing", "", "2.5", None, "", UNCONFIRMED_22796),
    ("GB/T 22796-2021", "fastness-soaping", "", "3", None, "", UNCONFIRMED_22796),
    ("GB/T 22796-2021", "fastness-light", "", "3", None, "", UNCONFIRMED_22796),
    ("GB/T 22796-2021", "dimensional-change-washing", "", "-3.0", "2.0", "", UNCONFIRMED_22796),
    ("GB/T 22796-2021", "pilling", "", "3", None, "", UNCONFIRMED_22796),
    # GB/T 29862-2013 纤维含量的标识: the tolerances (7.4; the general ones unconfirmed).
    ("GB/T 29862-2013", "fibre-content", "", None, "5", "7.4", UNCONFIRMED_GENERAL_TOLERANCE),
    (
        "GB/T 29862-2013",
        "fibre-content-filling",
        "",
        None,
        "10",
        "7.4",
        UNCONFIRMED_FILLING_TOLERANCE,
    ),
    # Rice
    ("GB/T 1354-2018", "moisture", "", None, "15.5", "表1", UNCONFIRMED_RICE_GRADE),
    ("GB/T 1354-2018", "broken-rice", "", None, "20.0", "表1", UNCONFIRMED_RICE_GRADE),
    ("GB/T 1354-2018", "impurities", "", None, "0.25", "表1", UNCONFIRMED_RICE_GRADE),
    ("GB/T 1354-2018", "unsound-kernels", "", None, "6.0", "表1", UNCONFIRMED_RICE_GRADE),
    ("GB 2762-2022", "lead", "", None, "0.2", "", UNCONFIRMED),
    ("GB 2762-2022", "cadmium", "", None, "0.2", "", UNCONFIRMED),
    ("GB 2761-2017", "aflatoxin-b1", "", None, "10", "", UNCONFIRMED),
    # Motor-vehicle inspection
    ("GB 18285-2018", "co-low-idle", "", None, "0.4", "表1", UNCONFIRMED_LIMIT_B),
    ("GB 18285-2018", "hc-low-idle", "", None, "40", "表1", UNCONFIRMED_LIMIT_B),
    ("GB 18285-2018", "co-high-idle", "", None, "0.3", "表1", UNCONFIRMED_LIMIT_B),
    ("GB 18285-2018", "hc-high-idle", "", None, "30", "表1", UNCONFIRMED_LIMIT_B),
    ("GB 18285-2018", "lambda", "", "0.95", "1.05", "表1", UNCONFIRMED),
    ("GB 3847-2018", "smoke-opacity", "", None, "0.7", "表1", UNCONFIRMED_LIMIT_B),
    ("GB 7258-2017", "service-brake", "", "60", None, "", UNCONFIRMED),
    ("GB 7258-2017", "parking-brake", "", "20", None, "", UNCONFIRMED),
    ("GB 7258-2017", "headlamp-intensity", "", "15000", None, "", UNCONFIRMED),
    ("GB 7258-2017", "side-slip", "", "-5.0", "5.0", "", UNCONFIRMED),
]


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
                    detection_limit=INDICATOR_READINGS.get(code, {}).get("detection_limit"),
                    largest=INDICATOR_READINGS.get(code, {}).get("largest"),
                ),
            )
        gb_18401 = by_code["GB 18401-2010"]
        for code, by_category in GB_18401.items():
            for category, (low, high) in by_category.items():
                Limit.objects.update_or_create(
                    standard=gb_18401,
                    indicator=indicators[code],
                    category=category,
                    defaults=dict(
                        minimum=decimal(low), maximum=decimal(high), clause=GB_18401_CLAUSE
                    ),
                )
        for standard in (gb_18401, by_code["GB/T 22796-2021"]):
            clause = GB_18401_CLAUSE if standard == gb_18401 else "按 GB 18401-2010 表1"
            Limit.objects.update_or_create(
                standard=standard,
                indicator=indicators["odour"],
                category="",
                defaults=dict(allowed=["none"], clause=clause),
            )
            Limit.objects.update_or_create(
                standard=standard,
                indicator=indicators["azo-amines"],
                category="",
                defaults=dict(prohibited=True, detection_limit=Decimal(20), clause=clause),
            )
        for code, indicator, category, low, high, clause, note in LIMITS:
            note_zh, note_en = note or ("", "")
            Limit.objects.update_or_create(
                standard=by_code[code],
                indicator=indicators[indicator],
                category=category,
                defaults=dict(
                    minimum=decimal(low),
                    maximum=decimal(high),
                    clause=clause,
                    unconfirmed=note is not None,
                    note_zh=note_zh,
                    note_en=note_en,
                ),
            )
    return len(by_code), len(indicators)

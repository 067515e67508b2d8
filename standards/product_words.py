"""The words people type for a product, and the products they mean: a search for 床品 should
find the units that committed to 四件套 and 被芯, not only those with 床品 in their name. A
small, reviewed table of the home-textile cluster's words (reference data, like the catalogue);
a word not in it is searched as typed."""

# category code (standards.catalogue.CATEGORIES): the words for the category as a whole, and
# the products people commit to or declare under it.
CATEGORY_WORDS = {
    "bedding": (
        ["床上用品", "床品", "寝具", "bedding"],
        [
            "四件套",
            "三件套",
            "被芯",
            "被子",
            "枕芯",
            "枕头",
            "床单",
            "被套",
            "枕套",
            "床笠",
            "床盖",
        ],
    ),
    "towels": (["毛巾", "巾类", "towel"], ["毛巾", "浴巾", "方巾", "面巾", "毛巾被", "浴衣"]),
    "curtains": (["窗帘布艺", "窗帘", "布艺", "curtain"], ["窗帘", "窗纱"]),
    "fabrics": (["面料", "布料", "fabric"], ["面料", "坯布"]),
}

# A product by another name: 被子 is sold as 被芯, 枕头 as 枕芯.
SAME_PRODUCT = [["被芯", "被子"], ["枕芯", "枕头"]]


def product_terms(text):
    """The words a product search looks for: the text itself; for a category's word, every
    product under the category; for a product's other name, that name. Lower case, no repeat."""
    text = text.strip().lower()
    if not text:
        return []
    terms = [text]
    for names, products in CATEGORY_WORDS.values():
        if any(text == name.lower() for name in names):
            terms += [*names, *products]
    for names in SAME_PRODUCT:
        if text in names:
            terms += names
    return list(dict.fromkeys(term.lower() for term in terms))


def categories_named(text):
    """The codes of the categories ``text`` names (床品 → bedding)."""
    text = text.strip().lower()
    return [
        code
        for code, (names, _products) in CATEGORY_WORDS.items()
        if any(text == name.lower() for name in names)
    ]

"""How values and limits of an indicator are written: colour-fastness grades, numbers with the
indicator's decimals, and a limit as a table shows it. The models (``Limit.describe``) and the
verdicts both use it, and it reads no model, so neither imports the other for it."""

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from standards.composition import FILLINGS, GENERAL

# Colour-fastness grades, an ordinal scale: 3-4 is better than 3 and worse than 4.
GRADES = ["1", "1-2", "2", "2-3", "3", "3-4", "4", "4-5", "5"]
# How labs write a detection result; the verdicts read them, the pages show them in words.
NOT_DETECTED = {"not detected", "nd", "n.d.", "未检出", "未检出。", "<dl"}
DETECTED = {"detected", "检出", "已检出"}


def in_english():
    return (get_language() or "").startswith("en")


# Units the catalogue writes as a Chinese word rather than a symbol: "级" counts a
# colour-fastness grade ("3 级"), where English writes the bare grade ("3"). Symbols (mg/kg, %)
# are the same in every language.
UNIT_WORDS_IN_ENGLISH = {"级": ""}


def unit_in_words(unit):
    """An indicator's unit as the reader writes it."""
    if in_english():
        return UNIT_WORDS_IN_ENGLISH.get(unit, unit)
    return unit


def joined(words):
    """A list as a sentence writes it: "无、有" in Chinese, "none, present" in English."""
    return (", " if in_english() else "、").join(words)


def category_label(categories, value):
    """A categorical indicator's value ("none") as the reader reads it: its label in the active
    language. An indicator keeps a label per language ({"none": {"zh": "无", "en": "none"}}), as
    it keeps its name, or one label for every language ({"none": "无"}); a value it does not
    list shows as it is."""
    label = categories.get(value, value)
    if isinstance(label, dict):
        first, second = ("en", "zh") if in_english() else ("zh", "en")
        return label.get(first) or label.get(second) or value
    return str(label)


def category_value(categories, text):
    """The value a written category stands for: the value itself or its label in any language,
    whatever the case; None when it is none of them."""
    text = str(text).strip().lower()
    for value, label in categories.items():
        words = label.values() if isinstance(label, dict) else [label]
        if text in {value.lower(), *(str(word).lower() for word in words)}:
            return value
    return None


def reading_in_words(indicator, raw):
    """A lab's reading as a page or report shows it: a category by its label and a detection in
    words, in the reader's language ("none" is 无 in Chinese); a number or grade as written."""
    text = str(raw).strip()
    kind, kinds = indicator.result_type, indicator.ResultType
    if kind == kinds.CATEGORICAL:
        value = category_value(indicator.categories, text)
        return text if value is None else category_label(indicator.categories, value)
    if kind in (kinds.DETECTION, kinds.NUMERIC) and text.lower() in NOT_DETECTED:
        return _("not detected")
    if kind == kinds.DETECTION and text.lower() in DETECTED:
        return _("detected")
    return text


def grade_value(grade):
    """A grade as a number on the half-step scale: "3-4" is 3.5."""
    return Decimal(GRADES.index(grade)) / 2 + 1


def grade_name(value):
    return GRADES[int((Decimal(value) - 1) * 2)]


def with_decimals(decimals):
    """A limit as the indicator writes it: pH 4.0, formaldehyde 75."""
    places = Decimal(1).scaleb(-decimals)
    return lambda number: format(Decimal(number).quantize(places), "f")


def plain(number):
    return format(Decimal(number).normalize(), "f")


def describe_limit(limit):
    """A limit as a table shows it: "≤ 75", "4.0–8.5", "≥ 3-4", "不得检出 (≤ 20)", "无"."""
    if limit is None:
        return "—"
    indicator = limit.indicator
    if indicator.result_type == indicator.ResultType.CATEGORICAL:
        return joined(category_label(indicator.categories, value) for value in limit.allowed)
    if indicator.result_type == "composition":
        return describe_tolerances(indicator.code, limit.maximum)
    if limit.prohibited:
        text = _("not to be detected")
        if limit.detection_limit is not None:
            text += f" (≤ {plain(limit.detection_limit)})"
        return text
    show = (
        grade_name
        if indicator.result_type == indicator.ResultType.GRADE
        else (with_decimals(indicator.decimals))
    )
    low = None if limit.minimum is None else show(limit.minimum)
    high = None if limit.maximum is None else show(limit.maximum)
    if low and high:
        return f"{low}–{high}"
    if high:
        return f"{'≤' if limit.maximum_inclusive else '<'} {high}"
    if low:
        return f"{'≥' if limit.minimum_inclusive else '>'} {low}"
    return "—"


def describe_tolerances(indicator_code, general):
    """Fibre content's requirement as a table shows it (standards.composition)."""
    filling = indicator_code in FILLINGS
    general = plain(general if general is not None else GENERAL[filling])
    if filling:
        return _("as labelled ±%(general)s; fibres ≤ 20%%: ±5, ≤ 5%%: not 0") % {"general": general}
    return _("as labelled ±%(general)s; fibres ≤ 10%%: ±3, ≤ 3%%: not 0") % {"general": general}

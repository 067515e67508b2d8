"""How values and limits of an indicator are written: colour-fastness grades, numbers with the
indicator's decimals, and a limit as a table shows it. The models (``Limit.describe``) and the
verdicts both use it, and it reads no model, so neither imports the other for it."""

from decimal import Decimal

from django.utils.translation import gettext as _

# Colour-fastness grades, an ordinal scale: 3-4 is better than 3 and worse than 4.
GRADES = ["1", "1-2", "2", "2-3", "3", "3-4", "4", "4-5", "5"]


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
        return "、".join(indicator.categories.get(value, value) for value in limit.allowed)
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

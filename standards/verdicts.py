"""The verdict on one test result: pass, fail or warn, with the sentence that explains it.

The testing fund calls ``verdict(indicator, standard, category, raw)`` for every result a lab
enters. A result that cannot be read for the indicator's type is refused, never guessed.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from standards.models import Indicator, Limit
from standards.notation import GRADES, grade_name, grade_value, plain, with_decimals

PASS, WARN, FAIL = "pass", "warn", "fail"
NOT_DETECTED = {"not detected", "nd", "n.d.", "未检出", "未检出。", "<dl"}
DETECTED = {"detected", "检出", "已检出"}


@dataclass(frozen=True)
class Verdict:
    result: str  # PASS, WARN or FAIL
    explanation: str
    value: object  # the reading: a Decimal, a grade, a category or a detection


class UnreadableResult(ValidationError):
    pass


# A reading as the lab's result keeps it (testing_fund's ``Result.raw``: 60 characters), and a
# number as the limits hold one (``Limit.minimum``: 12 digits, 4 of them after the point).
MOST_CHARACTERS = 60
MOST_WHOLE_DIGITS, MOST_PLACES = 8, 4


def read(indicator, raw):
    """The raw text as the indicator's type reads it, or UnreadableResult saying why."""
    text = str(raw).strip()
    if len(text) > MOST_CHARACTERS:
        raise UnreadableResult(
            _("%(indicator)s: a result is at most %(most)d characters long.")
            % {"indicator": indicator.name, "most": MOST_CHARACTERS},
            code="too_long",
        )
    kind = indicator.result_type
    if kind == Indicator.ResultType.NUMERIC:
        return read_number(indicator, text)
    if kind == Indicator.ResultType.GRADE:
        grade = re.sub(r"\s*[–—/－]\s*|\s*-\s*", "-", text)
        if grade not in GRADES:
            raise UnreadableResult(
                _("“%(raw)s” is not a grade: use 1, 1-2, 2, 2-3, 3, 3-4, 4, 4-5 or 5.")
                % {"raw": text},
                code="unreadable_grade",
            )
        return grade
    if kind == Indicator.ResultType.CATEGORICAL:
        for value, label in indicator.categories.items():
            if text.lower() in (value.lower(), str(label).lower()):
                return value
        raise UnreadableResult(
            _("“%(raw)s” is not one of %(allowed)s.")
            % {"raw": text, "allowed": "、".join(indicator.categories.values())},
            code="unreadable_category",
        )
    if text.lower() in NOT_DETECTED:
        return "not detected"
    if text.lower() in DETECTED:
        return "detected"
    return read_number(indicator, text)  # an amount, compared with the detection limit


def read_number(indicator, text):
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise UnreadableResult(
            _("“%(raw)s” is not a number (%(indicator)s, in %(unit)s).")
            % {"raw": text, "indicator": indicator.name, "unit": indicator.unit or "—"},
            code="unreadable_number",
        )
    facts = {"raw": text, "indicator": indicator.name}
    if number.is_zero():
        return Decimal(0)  # "0E+1000000" is nought, and written so
    if number.adjusted() >= MOST_WHOLE_DIGITS:
        raise UnreadableResult(
            _("“%(raw)s” is too large for %(indicator)s: a result is below %(limit)s.")
            % dict(facts, limit=10**MOST_WHOLE_DIGITS),
            code="too_large",
        )
    if decimal_places(number) > MOST_PLACES:
        raise UnreadableResult(
            _("“%(raw)s”: %(indicator)s is read to at most %(places)d decimal places.")
            % dict(facts, places=MOST_PLACES),
            code="too_precise",
        )
    if number < 0 and not may_be_negative(indicator):
        raise UnreadableResult(
            _("“%(raw)s”: %(indicator)s cannot be below zero.") % facts, code="negative"
        )
    return number


def decimal_places(number):
    """The places after the point that count: "0.10" has one, "1E+2" none. Read from the
    digits themselves, since normalising a number of a million places would fail."""
    sign, digits, exponent = number.as_tuple()
    while exponent < 0 and digits and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    return max(-exponent, 0)


def may_be_negative(indicator):
    """A reading below zero means something only for an indicator some standard limits below
    zero (a shrinkage); an amount, a pH or a count is never negative."""
    if indicator.result_type != Indicator.ResultType.NUMERIC:
        return False
    return (
        Limit.objects.filter(indicator=indicator)
        .filter(Q(minimum__lt=0) | Q(maximum__lt=0))
        .exists()
    )


def find_limit(indicator, standard, category):
    """The limit for the category, or the one for every category."""
    limits = [
        limit
        for limit in Limit.objects.filter(standard=standard, indicator=indicator)
        if limit.category in (category, "")
    ]
    limits.sort(key=lambda limit: limit.category == "")  # the category's own first
    if not limits:
        raise ValidationError(
            _("%(standard)s sets no limit on %(indicator)s for category %(category)s.")
            % {"standard": standard.code, "indicator": indicator.name, "category": category},
            code="no_limit",
        )
    return limits[0]


def verdict(indicator, standard, category, raw):
    """Pass, fail or warn for the raw result, with a sentence that names value and limit."""
    value = read(indicator, raw)
    limit = find_limit(indicator, standard, category)
    facts = {
        "indicator": indicator.name,
        "standard": standard.code,
        "category": category,
        "unit": f" {indicator.unit}" if indicator.unit else "",
    }
    kind = indicator.result_type
    if kind == Indicator.ResultType.CATEGORICAL:
        return categorical(limit, indicator, value, facts)
    if kind == Indicator.ResultType.DETECTION:
        return detection(limit, value, facts)
    if kind == Indicator.ResultType.GRADE:
        return bounded(limit, grade_value(value), value, grade_name, grade_name, facts)
    return bounded(limit, value, value, plain, with_decimals(indicator.decimals), facts)


def bounded(limit, number, value, show, show_limit, facts):
    """A number or grade against a minimum and a maximum; ``show`` writes the reading as it
    was entered, ``show_limit`` a limit with the indicator's decimals."""
    facts = dict(facts, value=show(number))
    if limit.minimum is not None:
        low = limit.minimum
        if number < low or (number == low and not limit.minimum_inclusive):
            facts["limit"] = show_limit(low)
            return Verdict(
                FAIL,
                _(
                    "%(indicator)s %(value)s%(unit)s is below the category %(category)s minimum of "
                    "%(limit)s%(unit)s (%(standard)s)."
                )
                % facts,
                value,
            )
    if limit.maximum is not None:
        high = limit.maximum
        if number > high or (number == high and not limit.maximum_inclusive):
            facts["limit"] = show_limit(high)
            return Verdict(
                FAIL,
                _(
                    "%(indicator)s %(value)s%(unit)s exceeds the category %(category)s limit of "
                    "%(limit)s%(unit)s (%(standard)s)."
                )
                % facts,
                value,
            )
    facts["range"] = describe_range(limit, show_limit, facts["unit"])
    near_low = limit.warn_below is not None and number < limit.warn_below
    near_high = limit.warn_above is not None and number > limit.warn_above
    if near_low or near_high:
        return Verdict(
            WARN,
            _(
                "%(indicator)s %(value)s%(unit)s meets the category %(category)s requirement "
                "(%(range)s, %(standard)s) but is close to its limit."
            )
            % facts,
            value,
        )
    return Verdict(
        PASS,
        _(
            "%(indicator)s %(value)s%(unit)s meets the category %(category)s requirement "
            "(%(range)s, %(standard)s)."
        )
        % facts,
        value,
    )


def describe_range(limit, show, unit):
    if limit.minimum is not None and limit.maximum is not None:
        return f"{show(limit.minimum)}–{show(limit.maximum)}{unit}"
    if limit.maximum is not None:
        return _("at most %(limit)s") % {"limit": f"{show(limit.maximum)}{unit}"}
    return _("at least %(limit)s") % {"limit": f"{show(limit.minimum)}{unit}"}


def categorical(limit, indicator, value, facts):
    facts = dict(facts, value=indicator.categories.get(value, value))
    if value in limit.allowed:
        return Verdict(
            PASS,
            _("%(indicator)s: %(value)s, as category %(category)s requires (%(standard)s).")
            % facts,
            value,
        )
    facts["allowed"] = "、".join(indicator.categories.get(v, v) for v in limit.allowed)
    return Verdict(
        FAIL,
        _(
            "%(indicator)s: %(value)s, where category %(category)s requires %(allowed)s "
            "(%(standard)s)."
        )
        % facts,
        value,
    )


def detection(limit, value, facts):
    if isinstance(value, Decimal):
        threshold = limit.detection_limit or Decimal(0)
        facts = dict(facts, value=plain(value), limit=plain(threshold))
        if value <= threshold:
            return Verdict(
                PASS,
                _(
                    "%(indicator)s %(value)s%(unit)s counts as not detected (up to %(limit)s"
                    "%(unit)s, %(standard)s)."
                )
                % facts,
                "not detected",
            )
        value = "detected"
    if value == "detected":
        if limit.prohibited:
            return Verdict(
                FAIL,
                _("%(indicator)s detected: prohibited in category %(category)s (%(standard)s).")
                % facts,
                value,
            )
        return Verdict(
            PASS, _("%(indicator)s detected; %(standard)s does not prohibit it.") % facts, value
        )
    return Verdict(PASS, _("%(indicator)s not detected, as %(standard)s requires.") % facts, value)

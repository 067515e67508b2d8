"""The verdict on one test result: pass, fail or warn, with the sentence that explains it.

The testing fund calls ``verdict(indicator, standard, category, raw)`` for every result a lab
enters. A result that cannot be read for the indicator's type is refused, never guessed.

A verdict keeps its sentence as a code and parameters (``code``, ``params``: JSON, category
values as codes), and ``explain`` writes it in the language of whoever reads it, at read time: a
result judged for a Chinese lab reads in English for an English reader, and the other way round.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from standards import composition, exemptions
from standards.models import Indicator, Limit
from standards.notation import (
    DETECTED,
    GRADES,
    NOT_DETECTED,
    category_label,
    category_value,
    grade_name,
    grade_value,
    joined,
    plain,
    unit_in_words,
    with_decimals,
)

PASS, WARN, FAIL = "pass", "warn", "fail"
# An indicator the batch's exemption takes out is not judged: no pass, no fail (a result row
# keeps its verdict blank).
NOT_JUDGED = ""

# The sentence of each verdict code. The msgids are the sentences the verdicts always wrote, so
# their translations serve; a code, once stored on a result, keeps its meaning and parameters.
SENTENCES = {
    "below_minimum": gettext_noop(
        "%(indicator)s %(value)s%(unit)s is below the category %(category)s minimum of "
        "%(limit)s%(unit)s (%(standard)s)."
    ),
    "above_maximum": gettext_noop(
        "%(indicator)s %(value)s%(unit)s exceeds the category %(category)s limit of "
        "%(limit)s%(unit)s (%(standard)s)."
    ),
    "near_limit": gettext_noop(
        "%(indicator)s %(value)s%(unit)s meets the category %(category)s requirement "
        "(%(range)s, %(standard)s) but is close to its limit."
    ),
    "meets": gettext_noop(
        "%(indicator)s %(value)s%(unit)s meets the category %(category)s requirement "
        "(%(range)s, %(standard)s)."
    ),
    "category_allowed": gettext_noop(
        "%(indicator)s: %(value)s, as category %(category)s requires (%(standard)s)."
    ),
    "category_refused": gettext_noop(
        "%(indicator)s: %(value)s, where category %(category)s requires %(allowed)s (%(standard)s)."
    ),
    "not_detected_below_limit": gettext_noop(
        "%(indicator)s %(value)s%(unit)s counts as not detected (up to %(limit)s"
        "%(unit)s, %(standard)s)."
    ),
    "detected_prohibited": gettext_noop(
        "%(indicator)s detected: prohibited in category %(category)s (%(standard)s)."
    ),
    "detected_allowed": gettext_noop("%(indicator)s detected; %(standard)s does not prohibit it."),
    "not_detected": gettext_noop("%(indicator)s not detected, as %(standard)s requires."),
    # A reading under the method's detection limit (未检出, ND, "<20"): below ``below``.
    "not_detected_meets": gettext_noop(
        "%(indicator)s not detected (below %(below)s%(unit)s): meets the category "
        "%(category)s requirement (%(range)s, %(standard)s)."
    ),
    "not_detected_below_minimum": gettext_noop(
        "%(indicator)s not detected (below %(below)s%(unit)s): under the category %(category)s "
        "minimum of %(limit)s%(unit)s (%(standard)s)."
    ),
    "not_required": gettext_noop("%(indicator)s not required: %(exemption)s (%(source)s)."),
    # Fibre content (standards.composition).
    "fibre_content_meets": gettext_noop(
        "%(indicator)s: every fibre is within its tolerance of the label: %(fibres)s "
        "(%(standard)s)."
    ),
    "fibre_off": gettext_noop(
        "%(indicator)s: %(fibre)s measured %(value)s%% against %(limit)s%% labelled, more than "
        "the %(tolerance)s points allowed (%(standard)s)."
    ),
    "fibre_missing": gettext_noop(
        "%(indicator)s: %(fibre)s is labelled at %(limit)s%% but measured 0; a fibre labelled "
        "at so little must still be found (%(standard)s)."
    ),
    "fibre_unlabelled": gettext_noop(
        "%(indicator)s: %(fibre)s %(value)s%% is not on the label; only traces up to 0.5%% may "
        "be left off (%(standard)s)."
    ),
    "fibre_traces": gettext_noop(
        "%(indicator)s: the fibres left off the label or labelled as traces make %(value)s%%, "
        "more than 0.5%% (%(standard)s)."
    ),
}
# How each fibre of a passing composition is listed in its sentence.
FIBRE_WITHIN = gettext_noop("%(fibre)s %(value)s%% (labelled %(limit)s%%, ±%(tolerance)s)")
FIBRE_TRACE = gettext_noop("%(fibre)s %(value)s%% (trace)")


@dataclass(frozen=True)
class Verdict:
    result: str  # PASS, WARN or FAIL
    code: str  # a key of SENTENCES
    # What the sentence names, JSON as a result row keeps it: the indicator's code, the reading
    # and limits as written, the unit, the safety category, the standard's code, category values.
    params: dict
    value: object  # the reading: a Decimal, a grade, a category or a detection
    indicator: Indicator = field(default=None, compare=False, repr=False)

    @property
    def explanation(self):
        """The sentence in the active language."""
        return explain(self.code, self.params, indicator=self.indicator)


def explain(code, params, indicator=None):
    """A verdict's sentence in the active language, from its code and parameters. The
    indicator's name and category labels are read now, in that language; pass the indicator to
    save looking it up by its code. An unknown code explains nothing ("")."""
    sentence = SENTENCES.get(code)
    if sentence is None:
        return ""
    if indicator is None or indicator.code != params.get("indicator"):
        indicator = Indicator.objects.filter(code=params.get("indicator")).first()
    unit = unit_in_words(params.get("unit") or "")
    facts = {
        **params,
        "indicator": indicator.name if indicator else params.get("indicator", ""),
        "standard": params.get("standard", ""),
        "category": params.get("category", ""),
        "unit": f" {unit}" if unit else "",
        "value": params.get("value", ""),
        "limit": params.get("limit", ""),
    }
    if code in ("category_allowed", "category_refused"):
        labels = indicator.categories if indicator else {}
        facts["value"] = category_label(labels, facts["value"])
        facts["allowed"] = joined(category_label(labels, v) for v in params.get("allowed", []))
    if code in ("meets", "near_limit", "not_detected_meets"):
        facts["range"] = describe_range(params.get("minimum"), params.get("maximum"), facts["unit"])
    if code == "not_required":
        facts["exemption"] = exemptions.label(params.get("exemption", ""))
    if code == "fibre_content_meets":
        facts["fibres"] = joined(
            _(FIBRE_WITHIN if limit else FIBRE_TRACE)
            % {"fibre": fibre, "value": value, "limit": limit, "tolerance": allowed}
            for fibre, value, limit, allowed in params.get("fibres", [])
        )
    return _(sentence) % facts


class UnreadableResult(ValidationError):
    pass


# A reading as the lab's result keeps it (testing_fund's ``Result.raw``: 60 characters), and a
# number as the limits hold one (``Limit.minimum``: 12 digits, 4 of them after the point).
MOST_CHARACTERS = 60
MOST_WHOLE_DIGITS, MOST_PLACES = 8, 4


@dataclass(frozen=True)
class Below:
    """A reading under what the method sees: 未检出/ND (under the indicator's detection limit)
    or "<0.01" as the lab wrote it. ``text`` is the limit as written."""

    limit: Decimal

    @property
    def text(self):
        return plain(self.limit)


BELOW = re.compile(r"^(?:<|＜|小于|低于)\s*(?P<limit>\S+)$")


def read(indicator, raw, *, negative=None, labelled=None):
    """The raw text as the indicator's type reads it, or UnreadableResult saying why.
    ``negative``: whether a number may be below zero; None asks the limits (``may_be_negative``).
    ``labelled``: for fibre content, the label's composition when the reading has none.
    """
    text = str(raw).strip()
    if len(text) > MOST_CHARACTERS:
        raise UnreadableResult(
            _("%(indicator)s: a result is at most %(most)d characters long.")
            % {"indicator": indicator.name, "most": MOST_CHARACTERS},
            code="too_long",
        )
    kind = indicator.result_type
    if kind == Indicator.ResultType.NUMERIC:
        below = read_below(indicator, text)
        if below is not None:
            return below
        return read_number(indicator, text, negative)
    if kind == Indicator.ResultType.COMPOSITION:
        try:
            return composition.parse(text, indicator.name, labelled)
        except composition.CompositionError as error:
            raise UnreadableResult(error.messages, code=error.code) from None
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
        value = category_value(indicator.categories, text)
        if value is not None:
            return value
        labels = indicator.categories
        raise UnreadableResult(
            _("“%(raw)s” is not one of %(allowed)s.")
            % {"raw": text, "allowed": joined(category_label(labels, v) for v in labels)},
            code="unreadable_category",
        )
    if text.lower() in NOT_DETECTED:
        return "not detected"
    if text.lower() in DETECTED:
        return "detected"
    if BELOW.match(text):
        return read_below(indicator, text)  # "<20": below an amount
    return read_number(indicator, text, negative)  # an amount, compared with the detection limit


def read_below(indicator, text):
    """未检出/ND as below the method's detection limit, "<0.05" as below 0.05; None for any
    other text. ND for an indicator whose method has no detection limit is refused."""
    if text.lower() in NOT_DETECTED:
        limit = getattr(indicator, "detection_limit", None)  # a migration's model may lack it
        if limit is None:
            raise UnreadableResult(
                _(
                    "“%(raw)s”: the catalogue gives no detection limit for %(indicator)s, so "
                    "“not detected” cannot be judged; enter the number measured."
                )
                % {"raw": text, "indicator": indicator.name},
                code="no_detection_limit",
            )
        return Below(Decimal(limit))
    match = BELOW.match(text)
    if not match:
        return None
    limit = read_number(indicator, match["limit"], negative=False)
    if limit.is_zero():
        raise UnreadableResult(
            _("“%(raw)s”: %(indicator)s cannot be below zero.")
            % {"raw": text, "indicator": indicator.name},
            code="negative",
        )
    return Below(limit)


# The largest reading a unit allows, for an indicator that does not say its own
# (``Indicator.largest``): a share is at most the whole.
LARGEST_BY_UNIT = {"%": Decimal(100), "mg/kg": Decimal(1_000_000), "g/kg": Decimal(1000)}


def largest(indicator):
    most = getattr(indicator, "largest", None)  # a migration's model may lack it
    return Decimal(most) if most is not None else LARGEST_BY_UNIT.get(indicator.unit)


def read_number(indicator, text, negative=None):
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise UnreadableResult(
            _("“%(raw)s” is not a number (%(indicator)s, in %(unit)s).")
            % {"raw": text, "indicator": indicator.name, "unit": indicator.shown_unit or "—"},
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
    if number < 0 and not (may_be_negative(indicator) if negative is None else negative):
        raise UnreadableResult(
            _("“%(raw)s”: %(indicator)s cannot be below zero.") % facts, code="negative"
        )
    most = largest(indicator)
    if most is not None and number > most:
        unit = indicator.shown_unit if hasattr(indicator, "shown_unit") else indicator.unit
        raise UnreadableResult(
            _("“%(raw)s” is too large for %(indicator)s: it is at most %(most)s%(unit)s.")
            % dict(facts, most=plain(most), unit=f" {unit}" if unit else ""),
            code="too_large_for_indicator",
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


def verdict(indicator, standard, category, raw, *, exemptions=(), labelled=None):
    """Pass, fail or warn for the raw result, with a sentence that names value and limit.

    ``exemptions``: the batch's (``standards.exemptions``); an indicator one of them takes out
    is not judged, whatever was entered (``NOT_JUDGED``, "not required: …"). ``labelled``: for
    fibre content, the labelled composition when the reading does not carry it."""
    exempt = exempt_verdict(indicator, standard, category, exemptions)
    if exempt is not None:
        return exempt
    value = read(indicator, raw, labelled=labelled)
    limit = find_limit(indicator, standard, category)
    return judge(indicator, limit, standard.code, category, value)


def exempt_verdict(indicator, standard, category, codes):
    """The verdict of an indicator the exemptions take out, or None."""
    code = exemptions.exempting(indicator.code, exemptions.check(list(codes or ())))
    if code is None:
        return None
    params = {
        "indicator": indicator.code,
        "standard": standard.code,
        "category": category,
        "exemption": code,
        "source": exemptions.SOURCE,
    }
    return Verdict(NOT_JUDGED, "not_required", params, None, indicator=indicator)


def judge(indicator, limit, standard_code, category, value):
    """The verdict on a value already read, against the limit found for it. It reads no table,
    so a migration can judge its rows again with the models of its time."""
    facts = {
        "indicator": indicator.code,
        "standard": standard_code,
        "category": category,
        "unit": indicator.unit,
    }
    kind = indicator.result_type
    if isinstance(value, Below) and kind != Indicator.ResultType.DETECTION:
        judged = below_limit(indicator, limit, value, facts)
    elif kind == Indicator.ResultType.COMPOSITION:
        judged = fibre_content(indicator, limit, value, facts)
    elif kind == Indicator.ResultType.CATEGORICAL:
        judged = categorical(limit, value, facts)
    elif kind == Indicator.ResultType.DETECTION:
        judged = detection(limit, value, facts, indicator)
    elif kind == Indicator.ResultType.GRADE:
        judged = bounded(limit, grade_value(value), value, grade_name, grade_name, facts)
    else:
        judged = bounded(limit, value, value, plain, with_decimals(indicator.decimals), facts)
    result, code, params, value = judged
    return Verdict(result, code, params, value, indicator=indicator)


def bounded(limit, number, value, show, show_limit, facts):
    """A number or grade against a minimum and a maximum; ``show`` writes the reading as it
    was entered, ``show_limit`` a limit with the indicator's decimals."""
    facts = dict(facts, value=show(number))
    if limit.minimum is not None:
        low = limit.minimum
        if number < low or (number == low and not limit.minimum_inclusive):
            return FAIL, "below_minimum", dict(facts, limit=show_limit(low)), value
    if limit.maximum is not None:
        high = limit.maximum
        if number > high or (number == high and not limit.maximum_inclusive):
            return FAIL, "above_maximum", dict(facts, limit=show_limit(high)), value
    facts["minimum"] = None if limit.minimum is None else show_limit(limit.minimum)
    facts["maximum"] = None if limit.maximum is None else show_limit(limit.maximum)
    near_low = limit.warn_below is not None and number < limit.warn_below
    near_high = limit.warn_above is not None and number > limit.warn_above
    if near_low or near_high:
        return WARN, "near_limit", facts, value
    return PASS, "meets", facts, value


def below_limit(indicator, limit, value, facts):
    """Not detected, below ``value.limit``: it meets a maximum at or above that limit, and
    fails a minimum at or above it; between, nothing can be said and the lab is asked for the
    number (the reading is refused)."""
    show = with_decimals(indicator.decimals)
    facts = dict(facts, value=value.text, below=value.text)
    if limit.minimum is not None and limit.minimum > 0:
        if value.limit <= limit.minimum:
            return FAIL, "not_detected_below_minimum", dict(facts, limit=show(limit.minimum)), value
        raise undecidable(indicator, value, show(limit.minimum))
    if limit.maximum is not None and value.limit > limit.maximum:
        raise undecidable(indicator, value, show(limit.maximum))
    facts["minimum"] = None if limit.minimum is None else show(limit.minimum)
    facts["maximum"] = None if limit.maximum is None else show(limit.maximum)
    return PASS, "not_detected_meets", facts, value


def undecidable(indicator, value, limit):
    return UnreadableResult(
        _(
            "%(indicator)s: “below %(below)s” cannot be judged against the limit of %(limit)s; "
            "enter the number measured."
        )
        % {"indicator": indicator.name, "below": value.text, "limit": limit},
        code="undecidable",
    )


def fibre_content(indicator, limit, fibres, facts):
    """Each fibre against the label, with the tolerances of GB/T 29862-2013 (the limit's
    ``maximum`` is the general tolerance; standards.composition)."""
    passed, code, found = composition.judge(indicator.code, fibres, limit.maximum)
    value = [[f.name, plain(f.measured or 0), plain(f.labelled or 0)] for f in fibres]
    return (PASS if passed else FAIL), code, dict(facts, **found), value


def describe_range(minimum, maximum, unit):
    """The range a reading met, from its limits as written: "4.0–8.5", "at most 75 mg/kg"."""
    if minimum is not None and maximum is not None:
        return f"{minimum}–{maximum}{unit}"
    if maximum is not None:
        return _("at most %(limit)s") % {"limit": f"{maximum}{unit}"}
    if minimum is not None:
        return _("at least %(limit)s") % {"limit": f"{minimum}{unit}"}
    return "—"


def categorical(limit, value, facts):
    """The category values stay codes in the parameters; ``explain`` shows their labels."""
    facts = dict(facts, value=value)
    if value in limit.allowed:
        return PASS, "category_allowed", facts, value
    return FAIL, "category_refused", dict(facts, allowed=list(limit.allowed)), value


def detection(limit, value, facts, indicator=None):
    if isinstance(value, Below):  # "<20": not detected when no more than the limit's
        threshold = limit.detection_limit or Decimal(0)
        if value.limit <= threshold:
            facts = dict(facts, value=f"<{value.text}", limit=plain(threshold))
            return PASS, "not_detected_below_limit", facts, "not detected"
        raise undecidable(indicator, value, plain(threshold))
    if isinstance(value, Decimal):
        threshold = limit.detection_limit or Decimal(0)
        if value <= threshold:
            facts = dict(facts, value=plain(value), limit=plain(threshold))
            return PASS, "not_detected_below_limit", facts, "not detected"
        value = "detected"
    if value == "detected":
        if limit.prohibited:
            return FAIL, "detected_prohibited", facts, value
        return PASS, "detected_allowed", facts, value
    return PASS, "not_detected", facts, value

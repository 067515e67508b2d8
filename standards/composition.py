"""Fibre content: the measured composition against the labelled one, with the tolerances of
GB/T 29862-2013《纺织品 纤维含量的标识》 clause 7 (允差).

How a lab enters it (one line, the result's 60 characters): each fibre's name and measured
percentage, the labelled percentage in brackets, fibres separated by commas::

    棉 95.2 (95), 聚酯纤维 4.8 (5)
    聚酯纤维 70.6（70）、粘纤 29.1（30）、氨纶 0.3（微量）

The label may also be given on its own (``labelled="棉 95, 聚酯纤维 5"``) with the measured
composition as ``棉 95.2, 聚酯纤维 4.8``. A fibre labelled ``微量``/``trace`` or left off the
label counts as a trace.

Tolerances, for each fibre by its labelled content L (percentage points):

- fabric (``fibre-content``): L ≤ 10 → 3 points, and L ≤ 3 must not be measured 0 (7.4);
  otherwise the general tolerance, the limit's ``maximum`` (5 points: not confirmed);
- filling (``fibre-content-filling``): L ≤ 20 → 5 points, and L ≤ 5 must not be measured 0
  (7.4); otherwise the limit's ``maximum`` (10 points: not confirmed);
- a product of one fibre (L = 100) only the traces may differ (0.5 points: not confirmed);
- fibres labelled as traces or left out together at most 0.5 % (GB/T 29862-2013 6.x: not
  confirmed which sub-clause).
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FILLINGS = {"fibre-content-filling"}
TRACE_WORDS = {"微量", "trace", "traces", "tr"}
TRACES_AT_MOST = Decimal("0.5")
PURE_TOLERANCE = Decimal("0.5")
# The general tolerance when no limit says (fabric, filling).
GENERAL = {False: Decimal(5), True: Decimal(10)}
# Measured percentages add up to 100 within the rounding of each fibre's figure.
SUM_SLACK = Decimal("0.5")
HUNDRED = Decimal(100)

ITEM = re.compile(
    r"^(?P<name>[^\d(（]+?)\s*(?P<measured>[-+]?\d+(?:\.\d+)?)?\s*%?\s*"
    r"(?:[(（]\s*(?:标注|标称|label(?:led)?)?\s*[:：]?\s*(?P<labelled>[^)）]*?)\s*%?\s*[)）])?$",
    re.IGNORECASE,
)


class CompositionError(ValidationError):
    pass


@dataclass(frozen=True)
class Fibre:
    name: str
    measured: Decimal | None  # None: not in the measured composition
    labelled: Decimal | None  # None: not on the label; TRACE: labelled as a trace
    trace: bool = False


def percentage(text, indicator_name, fibre):
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CompositionError(
            _("%(indicator)s: “%(text)s” for %(fibre)s is not a percentage.")
            % {"indicator": indicator_name, "text": text, "fibre": fibre},
            code="unreadable_composition",
        )
    if number < 0:
        raise CompositionError(
            _("%(indicator)s: %(fibre)s cannot be below zero (%(text)s%%).")
            % {"indicator": indicator_name, "text": text, "fibre": fibre},
            code="negative",
        )
    if number > HUNDRED:
        raise CompositionError(
            _("%(indicator)s: %(fibre)s %(text)s%% is too large: a fibre is at most 100%%.")
            % {"indicator": indicator_name, "text": text, "fibre": fibre},
            code="too_large_for_indicator",
        )
    return number


def items(text):
    return [part.strip() for part in re.split(r"[,，、;；]", text) if part.strip()]


def parse(text, indicator_name, labelled=None):
    """The fibres of a written composition, measured and labelled; CompositionError naming the
    indicator and what is wrong."""
    fibres, order = {}, []
    for part in items(text):
        match = ITEM.match(part)
        if not match or match["measured"] is None:
            raise CompositionError(
                _(
                    "%(indicator)s: “%(part)s” is not a fibre and its content: write e.g. "
                    "“棉 95.2 (95), 聚酯纤维 4.8 (5)”, the labelled content in brackets."
                )
                % {"indicator": indicator_name, "part": part},
                code="unreadable_composition",
            )
        name = match["name"].strip()
        if name in fibres:
            raise CompositionError(
                _("%(indicator)s: %(fibre)s is named twice.")
                % {"indicator": indicator_name, "fibre": name},
                code="fibre_twice",
            )
        measured = percentage(match["measured"], indicator_name, name)
        said = (match["labelled"] or "").strip()
        trace = said.lower() in TRACE_WORDS
        label = None if not said or trace else percentage(said, indicator_name, name)
        fibres[name] = Fibre(name, measured, label, trace)
        order.append(name)
    if labelled:
        if any(fibre.labelled is not None or fibre.trace for fibre in fibres.values()):
            raise CompositionError(
                _("%(indicator)s: give the label once, in brackets or on its own.")
                % {"indicator": indicator_name},
                code="label_twice",
            )
        for part in items(labelled):
            match = ITEM.match(part)
            if not match:
                raise CompositionError(
                    _("%(indicator)s: the label “%(part)s” is not a fibre and its content.")
                    % {"indicator": indicator_name, "part": part},
                    code="unreadable_composition",
                )
            name = match["name"].strip()
            amount = (match["measured"] or match["labelled"] or "").strip()
            trace = amount.lower() in TRACE_WORDS or not amount
            label = None if trace else percentage(amount, indicator_name, name)
            known = fibres.get(name)
            fibres[name] = Fibre(name, known.measured if known else None, label, trace)
            if not known:
                order.append(name)
    if not fibres:
        raise CompositionError(
            _("%(indicator)s: enter each fibre and its content, e.g. “棉 95.2 (95)”.")
            % {"indicator": indicator_name},
            code="unreadable_composition",
        )
    labelled_total = sum(
        (f.labelled for f in fibres.values() if f.labelled is not None), Decimal(0)
    )
    if labelled_total != HUNDRED:
        raise CompositionError(
            _("%(indicator)s: the labelled contents add up to %(total)s%%, not 100%%.")
            % {"indicator": indicator_name, "total": plain(labelled_total)},
            code="label_not_100",
        )
    measured_total = sum(
        (f.measured for f in fibres.values() if f.measured is not None), Decimal(0)
    )
    if abs(measured_total - HUNDRED) > SUM_SLACK:
        raise CompositionError(
            _("%(indicator)s: the measured contents add up to %(total)s%%, not 100%%.")
            % {"indicator": indicator_name, "total": plain(measured_total)},
            code="measured_not_100",
        )
    return [fibres[name] for name in order]


def plain(number):
    return format(Decimal(number).normalize(), "f") if number is not None else ""


def tolerance(labelled, filling, general):
    """(points allowed, whether a measured 0 fails) for a fibre labelled at ``labelled``."""
    if labelled == HUNDRED:
        return PURE_TOLERANCE, True
    if filling:
        return (Decimal(5), labelled <= 5) if labelled <= 20 else (general, False)
    return (Decimal(3), labelled <= 3) if labelled <= 10 else (general, False)


def judge(indicator_code, fibres, general=None):
    """(passed, code, facts): the first fibre out of tolerance, else every fibre with its
    tolerance. ``facts`` are JSON (numbers as text)."""
    filling = indicator_code in FILLINGS
    general = GENERAL[filling] if general is None else Decimal(general)
    shown, traces = [], Decimal(0)
    for fibre in fibres:
        measured = fibre.measured or Decimal(0)
        if fibre.labelled is None:
            traces += measured
            if measured > TRACES_AT_MOST:
                return False, "fibre_unlabelled", {"fibre": fibre.name, "value": plain(measured)}
            shown.append([fibre.name, plain(measured), "", ""])
            continue
        allowed, nought_fails = tolerance(fibre.labelled, filling, general)
        facts = {
            "fibre": fibre.name,
            "value": plain(measured),
            "limit": plain(fibre.labelled),
            "tolerance": plain(allowed),
        }
        if nought_fails and measured == 0:
            return False, "fibre_missing", facts
        if abs(measured - fibre.labelled) > allowed:
            return False, "fibre_off", facts
        shown.append([fibre.name, plain(measured), plain(fibre.labelled), plain(allowed)])
    if traces > TRACES_AT_MOST:
        return False, "fibre_traces", {"value": plain(traces)}
    return True, "fibre_content_meets", {"fibres": shown}

"""Benchmarking (对标达标): a product's declared limits beside another standard's, indicator
by indicator, and whether the product is "benchmarked": its declared limits all at least as
strict as the mandatory national ones for its category."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from standards.models import Limit, Standard
from standards.notation import describe_limit

STRICTER, SAME, LOOSER, MIXED, MISSING = "stricter", "same", "looser", "mixed", "missing"


def _bound(mine, theirs, stricter_is_lower):
    """-1, 0 or 1: how one bound of mine stands against theirs (None is no bound at all)."""
    if mine == theirs:
        return 0
    if theirs is None:
        return 1  # mine bounds what theirs leaves open
    if mine is None:
        return -1
    return 1 if (mine < theirs) == stricter_is_lower else -1


def compare(mine, theirs):
    """How limit ``mine`` stands against limit ``theirs`` for the same indicator."""
    if mine is None:
        return MISSING
    marks = [
        _bound(mine.maximum, theirs.maximum, stricter_is_lower=True),
        _bound(mine.minimum, theirs.minimum, stricter_is_lower=False),
        (mine.prohibited > theirs.prohibited) - (mine.prohibited < theirs.prohibited),
    ]
    if mine.prohibited and theirs.prohibited:
        marks.append(_bound(mine.detection_limit, theirs.detection_limit, stricter_is_lower=True))
    if mine.allowed or theirs.allowed:
        ours, others = set(mine.allowed), set(theirs.allowed)
        marks.append(0 if ours == others else 1 if ours < others else -1 if ours > others else -2)
    if -2 in marks or (1 in marks and -1 in marks):
        return MIXED
    if 1 in marks:
        return STRICTER
    return LOOSER if -1 in marks else SAME


def strictest(limits):
    """Of several limits on one indicator (from several declared standards), the strictest."""
    best = None
    for limit in limits:
        if best is None or compare(limit, best) == STRICTER:
            best = limit
    return best


def applicable(limits, safety_category):
    """Per indicator, the limits that apply to the category: from each standard its limit for
    that category, else its limit for every category."""
    per_standard = {}
    for limit in limits:
        if limit.category not in (safety_category, ""):
            continue
        key = (limit.standard_id, limit.indicator_id)
        if key not in per_standard or limit.category == safety_category:
            per_standard[key] = limit
    chosen = {}
    for (_standard_id, indicator_id), limit in per_standard.items():
        chosen.setdefault(indicator_id, []).append(limit)
    return chosen


MARK_LABELS = {
    STRICTER: _("stricter"),
    SAME: _("the same"),
    LOOSER: _("looser"),
    MIXED: _("stricter on one side, looser on the other"),
    MISSING: _("not declared"),
}


@dataclass
class Row:
    indicator: object
    declared: Limit | None
    other: Limit | None
    mark: str

    @property
    def mark_label(self):
        return MARK_LABELS[self.mark]

    @property
    def declared_text(self):
        return describe_limit(self.declared)

    @property
    def other_text(self):
        return describe_limit(self.other)


def benchmark(declaration, other_limits):
    """Rows comparing the declaration's strictest declared limits with ``other_limits``."""
    declared = {
        indicator_id: strictest(limits)
        for indicator_id, limits in applicable(
            [limit for standard in declaration.standards.all() for limit in standard.limits.all()],
            declaration.safety_category,
        ).items()
    }
    others = {
        indicator_id: strictest(limits)
        for indicator_id, limits in applicable(other_limits, declaration.safety_category).items()
    }
    return [
        Row(
            other.indicator,
            declared.get(indicator_id),
            other,
            compare(declared.get(indicator_id), other),
        )
        for indicator_id, other in sorted(others.items(), key=lambda item: item[1].indicator.code)
    ]


def national_limits(category, standards):
    """The mandatory national standards' limits for a product category, from ``standards``
    (prefetched with their limits and categories)."""
    return [
        limit
        for standard in standards
        if standard.level == Standard.Level.MANDATORY_NATIONAL
        and any(c.pk == category.pk for c in standard.product_categories.all())
        for limit in standard.limits.all()
    ]


def is_benchmarked(rows):
    return bool(rows) and all(row.mark in (STRICTER, SAME) for row in rows)

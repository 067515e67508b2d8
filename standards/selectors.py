from django.db.models import Prefetch, Q

from coop.tenancy import unscoped
from standards.codes import normalise
from standards.models import DeclaredStandard, Limit, Standard


def visible_standards(cooperative_ids):
    """Shared standards, the given cooperatives' own, and every published group standard.

    Published group standards are public whoever asks, so this leaves the scope on purpose:
    the one reviewed place that lists other cooperatives' standards, published ones only."""
    with unscoped():
        return Standard.objects.filter(
            Q(cooperative__isnull=True)
            | Q(cooperative_id__in=cooperative_ids)
            | Q(level=Standard.Level.GROUP, published=True)
        ).select_related("superseded_by")


def search_standards(standards, text):
    """By a part of the code or title, Chinese included ("床上用品", "22796", "GB/T 22796-2021").
    Three characters or more are served by trigram indexes on PostgreSQL; on SQLite, a scan."""
    text = normalise(text) if text.strip() else ""
    if not text:
        return standards
    return standards.filter(
        Q(code__icontains=text) | Q(title_zh__icontains=text) | Q(title_en__icontains=text)
    )


def with_limits(standards):
    limits = Limit.objects.select_related("indicator__method").order_by(
        "indicator__code", "category"
    )
    return standards.prefetch_related(Prefetch("limits", queryset=limits), "supersedes")


def with_declared_limits(declarations):
    """Declarations with their standards' limits and their flags, in three more queries."""
    standards = Standard.objects.prefetch_related(
        Prefetch("limits", queryset=Limit.objects.select_related("indicator"))
    )
    flagged = DeclaredStandard.objects.exclude(flagged_on=None).select_related(
        "standard__superseded_by"
    )
    return declarations.select_related("member", "category").prefetch_related(
        Prefetch("standards", queryset=standards),
        Prefetch("declared", queryset=flagged, to_attr="flags"),
    )


def national_standards(cooperative_ids):
    """The mandatory national standards with their limits and categories (one set a request)."""
    return list(
        visible_standards(cooperative_ids)
        .filter(level=Standard.Level.MANDATORY_NATIONAL)
        .prefetch_related(
            Prefetch("limits", queryset=Limit.objects.select_related("indicator")),
            "product_categories",
        )
    )

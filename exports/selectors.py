"""The export rows a user may see: staff every row of the cooperatives in the request's scope,
an enterprise its own member unit's, anyone else none; and the public list of approved
same-line products, the one reviewed place that reads them across cooperatives."""

from django.db.models import Count, Prefetch, Q

from coop.roles import is_enterprise, is_staff
from coop.tenancy import unscoped
from exports.models import (
    ExportMarket,
    ExportProduct,
    MeasureAlert,
    MeasureCategory,
    SameLineProduct,
    TradeMeasure,
)
from standards.models import ProductCategory


def _mine(rows, user, path="member"):
    if is_staff(user):
        return rows
    if is_enterprise(user) and user.member_id:
        return rows.filter(**{path: user.member_id})
    return rows.none()


def export_products_for(user):
    rows = ExportProduct.objects.select_related("member", "category").prefetch_related(
        Prefetch("markets", queryset=ExportMarket.objects.order_by("country"))
    )
    return _mine(rows, user)


def measures_for(user):
    """Staff: every measure in scope, with its alerts counted; an enterprise: the measures it
    was alerted of (one it does not export to is not its business, nor visible)."""
    rows = TradeMeasure.objects.select_related("cooperative").prefetch_related(
        Prefetch("categories", queryset=ProductCategory.objects.order_by("code"))
    )
    if is_staff(user):
        return rows.annotate(
            # A withdrawn alert (the measure changed and no longer touches the member) is
            # not counted as alerted.
            alerted=Count(
                "alerts",
                filter=~Q(alerts__status=MeasureAlert.Status.WITHDRAWN),
                distinct=True,
            ),
            acknowledged=Count(
                "alerts",
                filter=Q(alerts__status=MeasureAlert.Status.ACKNOWLEDGED),
                distinct=True,
            ),
        )
    if is_enterprise(user) and user.member_id:
        return rows.filter(alerts__member=user.member_id)
    return rows.none()


def alerts_for(user):
    rows = MeasureAlert.objects.select_related("measure", "member", "acknowledged_by")
    return _mine(rows, user)


def same_line_for(user):
    return _mine(SameLineProduct.objects.select_related("member", "standard"), user)


def measure_categories(measure):
    """The ids of the product categories ``measure`` names, as a query (to use as a subquery,
    or to read)."""
    return MeasureCategory.objects.filter(measure=measure).values_list("category_id", flat=True)


def measure_category_ids(measure):
    return list(measure_categories(measure))


PUBLIC_ORDER = ("-reviewed_at", "-id")


def public_same_line(query="", cooperative=None):
    """Approved same-line products of every cooperative (or of ``cooperative``), newest
    approval first: the product, the member's name, its cooperative, the standard and the
    markets; no contact data."""
    with unscoped():
        rows = SameLineProduct.objects.filter(status=SameLineProduct.Status.APPROVED)
        if cooperative is not None:
            rows = rows.filter(cooperative_id=cooperative.pk)
        query = query.strip()
        if query:
            rows = rows.filter(Q(product__icontains=query) | Q(member__name__icontains=query))
        return rows.select_related("member", "standard", "cooperative").order_by(*PUBLIC_ORDER)

"""The benchmarking rows a user may see: staff every scheme and declaration of the cooperatives
in the request's scope; an enterprise the published (and withdrawn) schemes of its cooperative
and its own member unit's declarations; anyone else none. And the public list of benchmarked
products, the one reviewed place that reads them across cooperatives; and the figures of the
dashboard, in one query."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from benchmarking.models import (
    BenchmarkDeclaration,
    BenchmarkScheme,
    ClaimedValue,
    ComparedStandard,
    SchemeIndicator,
)
from coop.roles import is_enterprise, is_staff
from coop.tenancy import unscoped
from members.models import Member

Status = BenchmarkDeclaration.Status


def indicators_prefetch(path="indicators"):
    return Prefetch(
        path,
        queryset=SchemeIndicator.objects.order_by("position", "pk").prefetch_related(
            Prefetch("compared", queryset=ComparedStandard.objects.order_by("pk"))
        ),
    )


def schemes_for(user):
    rows = BenchmarkScheme.objects.select_related("category")
    if is_staff(user):
        return rows
    if is_enterprise(user) and user.member_id:
        return rows.exclude(status=BenchmarkScheme.Status.DRAFT)
    return rows.none()


def declarations_for(user):
    rows = BenchmarkDeclaration.objects.select_related("scheme", "member")
    if is_staff(user):
        return rows
    if is_enterprise(user) and user.member_id:
        return rows.filter(member=user.member_id)
    return rows.none()


def claims_of(declaration):
    return list(
        ClaimedValue.objects.filter(declaration=declaration)
        .select_related("indicator")
        .order_by("indicator__position", "indicator_id")
    )


def benchmarked(rows, today=None):
    """Products benchmarked now: certified, still valid, of a published scheme, of an active
    member unit (a suspended or exited one's certificate is not shown off)."""
    today = today or timezone.localdate()
    return rows.filter(
        status=Status.CERTIFIED,
        valid_until__gte=today,
        scheme__status=BenchmarkScheme.Status.PUBLISHED,
        member__status=Member.Status.ACTIVE,
    )


PUBLIC_ORDER = ("-certified_on", "-id")


def public_benchmarked(query=""):
    """Benchmarked products of every cooperative, newest certificate first: the product, the
    member's name, its cooperative, the scheme with its indicators and compared standards, the
    certificate; no contact data."""
    with unscoped():
        rows = benchmarked(BenchmarkDeclaration.objects.all())
        query = query.strip()
        if query:
            rows = rows.filter(
                Q(product_name__icontains=query)
                | Q(member__name__icontains=query)
                | Q(scheme__product__icontains=query)
            )
        return (
            rows.select_related("member", "scheme__category", "cooperative")
            .prefetch_related(indicators_prefetch("scheme__indicators"))
            .order_by(*PUBLIC_ORDER)
        )


def figures(cooperative_ids, today=None):
    """Schemes published, enterprises and products benchmarked, certificates in force, over the
    cooperatives given: one query (the region's dashboard leaves the scope on purpose)."""
    today = today or timezone.localdate()
    certified = Q(declarations__status=Status.CERTIFIED)
    in_force = certified & Q(declarations__valid_until__gte=today)
    with unscoped():
        found = BenchmarkScheme.objects.filter(cooperative_id__in=list(cooperative_ids)).aggregate(
            schemes=Count("pk", filter=Q(status=BenchmarkScheme.Status.PUBLISHED), distinct=True),
            enterprises=Count("declarations__member", filter=certified, distinct=True),
            products=Count("declarations", filter=certified, distinct=True),
            certificates=Count("declarations", filter=in_force, distinct=True),
        )
    return found


def claims_prefetch():
    return Prefetch(
        "claims",
        queryset=ClaimedValue.objects.select_related("indicator").order_by(
            "indicator__position", "indicator_id"
        ),
    )

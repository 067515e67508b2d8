"""The industry-chain map, its weak links and the indicator trends as pages: for a region's
supervisor over its cooperatives (``/chain/``, ``/trends/``), for a cooperative's staff
(``/c/<slug>/chain-map/``, ``/c/<slug>/trends/``), the batches behind a figure, and the map in
aggregate for anyone: a cooperative's (``/c/<slug>/chain/``) and a region's
(``/regions/<slug>/chain/``). Read-only: figures from
``supervision.chain_map`` and ``supervision.trends``, one grouped query a figure."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from coop.access import public_view, role_required
from coop.models import Cooperative, Region
from coop.pages import page_of
from coop.periods import asked_year
from coop.roles import is_staff
from standards.models import Indicator
from supervision import chain_map, trends
from testing_fund.models import Batch


def map_context(request, cooperative_ids, cooperative=None):
    """The map of a year and the weak links over the years asked for."""
    year = asked_year(request.GET)
    first, last = chain_map.asked_span(request.GET)
    links = chain_map.all_links()
    found = chain_map.chain_map(cooperative_ids, year, links)
    weak = chain_map.weak_links(cooperative_ids, first, last, links)
    names = (
        dict(
            Cooperative.objects.filter(
                pk__in=[*found["cooperatives"], *weak["cooperative_ids"]]
            ).values_list("pk", "name_zh")
        )
        if cooperative is None
        else {cooperative.pk: cooperative.name_zh}
    )
    return {
        "cooperative": cooperative,
        "year": year,
        "years": last - first + 1,
        "batches_url": reverse("chain-batches", args=[cooperative.slug])
        if cooperative
        else reverse("region-chain-batches"),
        "map": found,
        "weak": weak,
        "coop_names": [names.get(pk, "") for pk in weak["cooperative_ids"]],
        "by_cooperative": [
            (pk, names.get(pk, ""), figures)
            for pk, figures in sorted(
                found["cooperatives"].items(), key=lambda i: names.get(i[0], "")
            )
        ],
    }


@role_required(is_staff)
def region_map(request):
    """The chain map over every cooperative the user may see (a supervisor's region)."""
    context = map_context(request, request.visible_cooperative_ids)
    return render(request, "supervision/chain_map.html", context)


@role_required(is_staff)
def cooperative_map(request, coop_slug):
    context = map_context(request, [request.cooperative.pk], request.cooperative)
    return render(request, "supervision/chain_map.html", context)


def batches_page(request, cooperative=None):
    rows = chain_map.drill_down(
        Batch.objects.select_related("member", "cooperative", "category"), request.GET
    )
    first, last = chain_map.asked_span(request.GET, default=1)
    return render(
        request,
        "supervision/chain_batches.html",
        {"cooperative": cooperative, "page": page_of(request, rows), "first": first, "last": last},
    )


@role_required(is_staff)
def region_batches(request):
    """The batches behind a figure of the region's map (any of the user's cooperatives)."""
    return batches_page(request)


@role_required(is_staff)
def cooperative_batches(request, coop_slug):
    return batches_page(request, request.cooperative)


def trends_context(request, cooperative_ids, cooperative=None):
    codes = trends.asked_codes(request.GET)
    first, last = chain_map.asked_span(request.GET)
    found = trends.with_charts(trends.indicator_trends(cooperative_ids, codes, first, last))
    names = (
        dict(Cooperative.objects.filter(pk__in=cooperative_ids).values_list("pk", "name_zh"))
        if cooperative is None
        else {}
    )
    for indicator in found["indicators"]:
        for row in indicator["cooperatives"]:
            row["name"] = names.get(row["cooperative_id"], "")
    return {
        "cooperative": cooperative,
        "trends": found,
        "year": last,
        "years": last - first + 1,
        "asked": codes,
        "choices": Indicator.objects.order_by("code").values_list("code", "name_zh"),
    }


@role_required(is_staff)
def region_trends(request):
    """The key indicators' failure rates by year over the user's cooperatives, and each's."""
    return render(
        request,
        "supervision/trends.html",
        trends_context(request, request.visible_cooperative_ids),
    )


@role_required(is_staff)
def cooperative_trends(request, coop_slug):
    return render(
        request,
        "supervision/trends.html",
        trends_context(request, [request.cooperative.pk], request.cooperative),
    )


@public_view
def public_map(request, coop_slug):
    """The cooperative's chain map in aggregate: counts and pass rates by link and district,
    no member named, cells of fewer than 3 members hidden."""
    year = asked_year(request.GET)
    return render(
        request,
        "supervision/chain_public.html",
        {
            "cooperative": request.cooperative,
            "year": year,
            "map": chain_map.public_map([request.cooperative.pk], year),
            "floor": chain_map.PUBLIC_FLOOR,
        },
    )


def region_public_map(request, region_slug):
    """A region's chain map in aggregate for anyone: its cooperatives' active members by link,
    district and town, no member named, counts under 3 hidden and withheld where a total would
    give them away. Four queries: the region, its cooperatives, members, links."""
    region = get_object_or_404(Region, slug=region_slug)
    cooperatives = list(region.cooperatives.order_by("established", "pk"))
    return render(
        request,
        "supervision/chain_region_public.html",
        {
            "region": region,
            "cooperatives": cooperatives,
            "map": chain_map.region_public_map([cooperative.pk for cooperative in cooperatives]),
            "floor": chain_map.PUBLIC_FLOOR,
        },
    )

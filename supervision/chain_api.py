"""The chain map and the indicator trends in the API:

- ``GET /api/v1/coops/<slug>/chain-map/`` (staff): the cooperative's map of ``?year=`` and its
  weak links over ``?years=`` years up to it;
- ``GET /api/v1/public/coops/<slug>/chain-map/`` (anyone, cached): the map in aggregate, no
  member named, cells of fewer than 3 members ``null``;
- ``GET /api/v1/statistics/indicator-trends/?indicator=…&years=…`` (staff): failure rates by
  year over the cooperatives the user may see (``?cooperative=<slug>`` one of them)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from coop.models import Cooperative
from coop.periods import asked_year
from coop.roles import is_staff
from coop.schema import YEAR
from supervision import chain_map, trends

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)
YEARS = OpenApiParameter(
    "years", int, description="how many years up to ``year`` (1 to 10; 3 when absent)"
)
INDICATOR = OpenApiParameter(
    "indicator",
    str,
    many=True,
    description="indicator codes, repeated or comma-separated (formaldehyde, azo-amines, ph "
    "when absent)",
)


def figures_of(figures):
    return {
        "members": figures.members,
        "above_size": figures.above_size,
        "batches": figures.batches,
        "passed": figures.passed,
        "rate": figures.rate,
    }


def link_of(link):
    if link is None:
        return {
            "code": chain_map.UNPLACED,
            "name": _("Not placed in the chain yet"),
            "industry": "",
        }
    return {"code": link.code, "name": link.name, "industry": link.industry}


class ChainFigures(serializers.Serializer):
    members = serializers.IntegerField(help_text="active members")
    above_size = serializers.IntegerField(help_text="of them above designated size")
    batches = serializers.IntegerField(help_text="batches reported in the year, re-tests left out")
    passed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="pass rate, percent")


class ChainLinkFigures(ChainFigures):
    code = serializers.CharField(help_text="the link's code; ``none``: not placed yet")
    name = serializers.CharField()
    industry = serializers.CharField(help_text="the link's industry; empty for ``none``")


class PlaceFigures(ChainFigures):
    district = serializers.CharField()
    members_by_link = serializers.DictField(
        child=serializers.IntegerField(), help_text="active members by link code"
    )


class TownFigures(PlaceFigures):
    town = serializers.CharField()


class WeakCell(serializers.Serializer):
    tested = serializers.IntegerField(help_text="results judged")
    failed = serializers.IntegerField()
    failure_rate = serializers.FloatField(allow_null=True, help_text="percent")


class WeakIndicatorCell(WeakCell):
    indicator = serializers.CharField(help_text="the indicator's code")


class WeakYearCell(WeakCell):
    year = serializers.IntegerField()


class WeakLink(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    industry = serializers.CharField()
    overall = WeakCell()
    by_indicator = WeakIndicatorCell(many=True)
    by_year = WeakYearCell(many=True)


class NamedIndicator(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class WeakLinks(serializers.Serializer):
    first = serializers.IntegerField()
    last = serializers.IntegerField()
    indicators = NamedIndicator(many=True)
    links = WeakLink(many=True)


class ChainMapSerializer(serializers.Serializer):
    """What the staff map answers (documentation of the response)."""

    year = serializers.IntegerField()
    links = ChainLinkFigures(many=True)
    districts = PlaceFigures(many=True)
    towns = TownFigures(many=True)
    total = ChainFigures()
    weak_links = WeakLinks()


class PublicFigures(serializers.Serializer):
    members = serializers.IntegerField(allow_null=True, help_text="null: fewer than 3")
    above_size = serializers.IntegerField(allow_null=True, help_text="null: fewer than 3")
    batches = serializers.IntegerField(
        allow_null=True, help_text="null: fewer than 3 members, or batches from fewer than 3"
    )
    rate = serializers.FloatField(allow_null=True, help_text="pass rate, percent; null likewise")
    withheld = serializers.BooleanField(
        help_text="hidden to protect another cell, which a total would otherwise give away"
    )


class PublicLink(PublicFigures):
    code = serializers.CharField()
    name = serializers.CharField()


class PublicDistrict(PublicFigures):
    name = serializers.CharField()


class PublicChainMapSerializer(serializers.Serializer):
    cooperative = serializers.CharField()
    floor = serializers.IntegerField(help_text="the fewest members a figure is shown for")
    year = serializers.IntegerField()
    links = PublicLink(many=True)
    districts = PublicDistrict(many=True)


class TrendYear(serializers.Serializer):
    year = serializers.IntegerField()
    tested = serializers.IntegerField(help_text="results judged")
    failed = serializers.IntegerField()
    failure_rate = serializers.FloatField(allow_null=True, help_text="percent")


class CooperativeTrend(serializers.Serializer):
    cooperative = serializers.CharField(help_text="the cooperative's slug")
    years = TrendYear(many=True)


class IndicatorTrend(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    years = TrendYear(many=True)
    cooperatives = CooperativeTrend(many=True)


class IndicatorTrendsSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    last = serializers.IntegerField()
    indicators = IndicatorTrend(many=True)


class ChainMapView(APIView):
    """A cooperative's chain map: members, above designated size, batches and pass rate by
    link, district and town; the weak links (failure rate by link and indicator, and by link
    and year) over ``?years=`` years up to ``?year=``."""

    @extend_schema(parameters=[COOP_SLUG, YEAR, YEARS], responses=ChainMapSerializer)
    def get(self, request, coop_slug):
        if not is_staff(request.user):
            raise PermissionDenied(_("The chain map is for staff."))
        ids = [request.cooperative.pk]
        year = asked_year(request.query_params)
        first, last = chain_map.asked_span(request.query_params)
        links = chain_map.all_links()
        found = chain_map.chain_map(ids, year, links)
        weak = chain_map.weak_links(ids, first, last, links)
        columns = [link_of(link)["code"] for link in found["columns"]]

        def place(row, **named):
            return {
                **named,
                **figures_of(row["figures"]),
                "members_by_link": dict(zip(columns, row["cells"], strict=True)),
            }

        return Response(
            {
                "year": year,
                "links": [
                    {**link_of(row["link"]), **figures_of(row["figures"])} for row in found["links"]
                ],
                "districts": [place(row, district=row["name"]) for row in found["districts"]],
                "towns": [
                    place(row, district=row["district_name"], town=row["key"][1])
                    for row in found["towns"]
                ],
                "total": figures_of(found["total"]),
                "weak_links": {
                    "first": weak["first"],
                    "last": weak["last"],
                    "indicators": [
                        {"code": code, "name": name} for _pk, code, name in weak["indicators"]
                    ],
                    "links": [
                        {
                            **link_of(row["link"]),
                            "overall": strip(row["overall"]),
                            "by_indicator": [
                                dict(strip(cell), indicator=cell["code"]) for cell in row["cells"]
                            ],
                            "by_year": [
                                dict(strip(cell), year=year)
                                for year, cell in zip(weak["years"], row["years"], strict=True)
                            ],
                        }
                        for row in weak["rows"]
                    ],
                },
            }
        )


def strip(cell):
    """A weak-link cell as the API writes it: tested, failed, failure rate."""
    return {"tested": cell["total"], "failed": cell["failed"], "failure_rate": cell["rate"]}


class PublicChainMapView(APIView):
    """A cooperative's chain map in aggregate, for anyone: by link and by district, active
    members, above designated size, batches reported in ``?year=`` and their pass rate. No
    member is named; a count under 3 members is ``null``, and so are the batches and pass rate
    of a cell whose batches come from fewer than 3 members."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[COOP_SLUG, YEAR], responses=PublicChainMapSerializer)
    def get(self, request, coop_slug):
        year = asked_year(request.query_params)
        found = chain_map.public_map([request.cooperative.pk], year)
        return Response(
            {"cooperative": request.cooperative.slug, "floor": chain_map.PUBLIC_FLOOR, **found}
        )


class IndicatorTrendsView(APIView):
    """Failure rates of indicators by year (tested, failed, failure rate), over the
    cooperatives the user may see and for each; ``?cooperative=<slug>`` narrows to one."""

    @extend_schema(
        parameters=[
            INDICATOR,
            YEAR,
            YEARS,
            OpenApiParameter("cooperative", str, description="one cooperative's slug"),
        ],
        responses=IndicatorTrendsSerializer,
    )
    def get(self, request):
        if not is_staff(request.user):
            raise PermissionDenied(_("Indicator trends are for staff."))
        params = request.query_params
        codes = trends.asked_codes(params)
        first, last = chain_map.asked_span(params)
        ids = request.visible_cooperative_ids
        slugs = dict(Cooperative.objects.filter(pk__in=ids).values_list("pk", "slug"))
        if params.get("cooperative"):
            ids = [pk for pk, slug in slugs.items() if slug == params["cooperative"]]
            if not ids:
                raise NotFound()
        found = trends.indicator_trends(ids, codes, first, last)

        def years(series):
            return [
                {
                    "year": row["year"],
                    "tested": row["tested"],
                    "failed": row["failed"],
                    "failure_rate": row["rate"],
                }
                for row in series
            ]

        return Response(
            {
                "first": found["first"],
                "last": found["last"],
                "indicators": [
                    {
                        "code": indicator["code"],
                        "name": indicator["name"],
                        "years": years(indicator["years"]),
                        "cooperatives": [
                            {
                                "cooperative": slugs[row["cooperative_id"]],
                                "years": years(row["years"]),
                            }
                            for row in indicator["cooperatives"]
                        ],
                    }
                    for indicator in found["indicators"]
                ],
            }
        )

"""The API's figures across cooperatives (``statistics.py``): a region supervisor's
cooperatives side by side."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from coop.models import Cooperative
from coop.periods import asked_year
from coop.roles import is_supervisor
from coop.schema import YEAR
from supervision.statistics import pass_rates_by_cooperative


class CooperativePassRate(serializers.Serializer):
    cooperative = serializers.CharField(help_text="the cooperative's slug")
    total = serializers.IntegerField()
    passed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="percent; null when none reported")


class RegionStatisticsView(APIView):
    """A region supervisor's cooperatives side by side: batches reported and pass rate."""

    @extend_schema(parameters=[YEAR], responses=CooperativePassRate(many=True))
    def get(self, request):
        if not is_supervisor(request.user):
            raise PermissionDenied(_("Region statistics are for region supervisors."))
        rows = pass_rates_by_cooperative(request.user.region_id, asked_year(request.query_params))
        slugs = dict(Cooperative.objects.values_list("pk", "slug"))
        return Response([dict(row, cooperative=slugs[row.pop("cooperative_id")]) for row in rows])

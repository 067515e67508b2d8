"""The API's figures across cooperatives (``statistics.py``): a region supervisor's
cooperatives side by side."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from coop.models import Cooperative
from coop.pages import asked_year
from coop.roles import is_supervisor
from supervision.statistics import pass_rates_by_cooperative


class RegionStatisticsView(APIView):
    """A region supervisor's cooperatives side by side: batches reported and pass rate."""

    @extend_schema(parameters=[OpenApiParameter("year", int)])
    def get(self, request):
        if not is_supervisor(request.user):
            raise PermissionDenied(_("Region statistics are for region supervisors."))
        rows = pass_rates_by_cooperative(request.user.region_id, asked_year(request.query_params))
        slugs = dict(Cooperative.objects.values_list("pk", "slug"))
        return Response([dict(row, cooperative=slugs[row.pop("cooperative_id")]) for row in rows])

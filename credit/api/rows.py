"""What credit's staff resources share: the cooperative in the path, rows made by the
services (which validate and audit), and rows changed only by their declared steps."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied

from coop.owned import MemberOwnedViewSet
from coop.roles import is_administrator
from coop.workflow_api import StepActions

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)


class MadeByService:
    """Creation through the app's service (``create_with``), which validates and audits."""

    create_with = None

    def perform_create(self, serializer):
        self.check_write(serializer.validated_data)
        serializer.instance = type(self).create_with(
            actor=self.request.user, **serializer.validated_data
        )


class ReadOnlyOwned(StepActions, MemberOwnedViewSet):
    """Rows written by services through their steps, not by plain edits."""

    http_method_names = ["get", "post", "head", "options"]

    # Not an operation of the API (the schema leaves it out): a POST to the list is refused.
    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise PermissionDenied(_("These rows are made by the portal's services."))


def administrator_only(user):
    if not is_administrator(user):
        raise PermissionDenied(_("Only a cooperative administrator does this."))

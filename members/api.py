from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from coop.access import may_administer
from members import services
from members.models import Member
from members.selectors import members_for_user, search_members

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)
SEARCH = OpenApiParameter("q", str, description="Part of the name, USCC or town")


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "name", "uscc", "kind", "status", "district", "town", "created_at"]
        read_only_fields = ["status", "created_at"]


class AdministerOrReadOnly(BasePermission):
    message = _("Only a cooperative administrator may change members.")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or may_administer(request.user)


@extend_schema(parameters=[COOP_SLUG])
@extend_schema_view(list=extend_schema(parameters=[SEARCH]))
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Member units of the cooperative in the URL; an enterprise user sees only its own."""

    serializer_class = MemberSerializer
    permission_classes = [IsAuthenticated, AdministerOrReadOnly]
    filterset_fields = ["status", "kind", "town"]

    def get_queryset(self):
        members = members_for_user(self.request.user)
        return search_members(members, self.request.query_params.get("q", ""))

    def perform_create(self, serializer):
        serializer.instance = services.member_create(
            cooperative=self.request.cooperative,
            actor=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer):
        serializer.instance = services.member_update(
            member=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

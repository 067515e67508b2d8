from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from coop.errors import Refused
from coop.models import Cooperative


def exception_handler(exc, context):
    """A model's validation error is a 400 naming the field; a refused transition a 409."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Refused):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = by_field(response.data)
    return response


def by_field(errors):
    """A 400's body in the one shape the schema gives it, ``{field: [messages]}``: messages
    about no one field (a bare list) go under ``non_field_errors`` as a serializer's do, and a
    field's lone message becomes its list. ``{"detail": …}`` (an unreadable body) stays."""
    if isinstance(errors, list):
        return {api_settings.NON_FIELD_ERRORS_KEY: errors}
    if isinstance(errors, dict) and set(errors) != {"detail"}:
        return {name: [said] if isinstance(said, str) else said for name, said in errors.items()}
    return errors


@extend_schema(responses={200: inline_serializer("ApiRoot", {"me": serializers.URLField()})})
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request):
    """What the API offers; the resources need a token or a session."""
    names = {"token": "api-token", "me": "api-me", "coops": "api-coop-list"}
    names |= {"schema": "api-schema", "docs": "api-docs"}
    return Response({key: reverse(name, request=request) for key, name in names.items()})


class CooperativeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Cooperative
        fields = ["slug", "name_zh", "name_en", "industry", "region", "district", "established"]


class CooperativeViewSet(viewsets.ReadOnlyModelViewSet):
    """The cooperatives the user may see (a region supervisor: all of the region)."""

    serializer_class = CooperativeSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "coop_slug"

    def get_queryset(self):
        visible = self.request.visible_cooperative_ids
        return Cooperative.objects.filter(id__in=visible).select_related("region")

    @extend_schema(parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    member = serializers.IntegerField(source="member_id", allow_null=True)
    cooperatives = serializers.SerializerMethodField()

    def get_cooperatives(self, user) -> list[str]:
        return self.context["cooperative_slugs"]


class MeView(APIView):
    """Who the caller is: role, member unit and the slugs of the cooperatives it may see."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        slugs = Cooperative.objects.filter(id__in=request.visible_cooperative_ids).values_list(
            "slug", flat=True
        )
        context = {"cooperative_slugs": list(slugs)}
        return Response(MeSerializer(request.user, context=context).data)

"""Quality-consistency agreements: ``/api/v1/coops/<slug>/chain-agreements/`` (paginated) and
``…/<id>/``. Staff read every agreement of the cooperative, an enterprise those its member unit
owns or supplies under; the cooperative's administrators create and change them (``POST``,
``PATCH``/``PUT``; ``indicators``, when given, replaces the agreement's indicators) and take
the declared steps ``POST …/<id>/bring_into_force/`` and ``…/<id>/end/``. A value not stricter
than the national limit is a 400 naming the field; another cooperative's agreements are a 404."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from chains import selectors
from chains.models import AgreementIndicator, ChainAgreement, ChainSupplier
from chains.services import agreements
from coop.permissions import only
from coop.roles import is_administrator, is_staff_or_enterprise
from coop.workflow_api import StepActions
from members.models import Member
from standards.models import ProductCategory, Standard

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)


class AgreedIndicatorSerializer(serializers.ModelSerializer):
    direction_label = serializers.CharField(source="get_direction_display", read_only=True)
    standard = serializers.PrimaryKeyRelatedField(
        queryset=Standard.objects, required=False, allow_null=True
    )

    class Meta:
        model = AgreementIndicator
        fields = [
            "id",
            "name",
            "unit",
            "direction",
            "direction_label",
            "national_value",
            "agreed_value",
            "standard",
            "standard_code",
        ]
        read_only_fields = ["id"]
        # The agreement's own uniqueness is checked by the service, per agreement.
        validators = []


class ChainSupplierSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = ChainSupplier
        fields = ["id", "member", "member_name", "joined_on", "left_on"]


class ChainAgreementSerializer(serializers.ModelSerializer):
    owner_member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects, required=False, allow_null=True
    )
    owner = serializers.CharField(source="owner_display", read_only=True)
    categories = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductCategory.objects.all(), many=True, required=False
    )
    indicators = AgreedIndicatorSerializer(many=True, required=False)
    suppliers = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ChainAgreement
        fields = [
            "id",
            "title",
            "owner_member",
            "owner_name",
            "owner_uscc",
            "owner",
            "products",
            "categories",
            "signed_on",
            "valid_until",
            "ended_on",
            "status",
            "status_label",
            "indicators",
            "suppliers",
            "created_at",
        ]
        read_only_fields = ["ended_on", "status", "created_at"]

    def get_suppliers(self, agreement) -> list[dict]:
        return ChainSupplierSerializer(agreement.suppliers.all(), many=True).data


@extend_schema_view(
    list=extend_schema(parameters=[COOP_SLUG]),
    retrieve=extend_schema(parameters=[COOP_SLUG]),
    create=extend_schema(parameters=[COOP_SLUG]),
    update=extend_schema(parameters=[COOP_SLUG]),
    partial_update=extend_schema(parameters=[COOP_SLUG]),
)
class AgreementViewSet(StepActions, viewsets.ModelViewSet):
    serializer_class = ChainAgreementSerializer
    workflow = agreements.AGREEMENT
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["status", "owner_member"]
    permission_classes = only(
        is_staff_or_enterprise, gettext_lazy("Staff and member units read agreements.")
    )

    def get_queryset(self):
        from django.db.models import Prefetch

        return (
            selectors.agreements_for(self.request.user)
            .prefetch_related(
                Prefetch(
                    "indicators",
                    queryset=AgreementIndicator.objects.order_by("pk"),
                ),
                Prefetch(
                    "suppliers",
                    queryset=ChainSupplier.objects.select_related("member").order_by(
                        "joined_on", "pk"
                    ),
                ),
            )
            .order_by("-signed_on", "-id")
        )

    def check_writer(self):
        if not is_administrator(self.request.user):
            raise PermissionDenied(
                gettext_lazy("Only the cooperative's administrators write these.")
            )

    def save(self, serializer, agreement=None):
        self.check_writer()
        data = serializer.validated_data

        def given(name, default):
            if name in data:
                return data[name]
            return getattr(agreement, name) if agreement is not None else default

        indicators = data.get("indicators")
        made = agreements.save_agreement(
            cooperative=self.request.cooperative,
            actor=self.request.user,
            agreement=agreement,
            title=given("title", ""),
            products=given("products", ""),
            signed_on=given("signed_on", None),
            valid_until=given("valid_until", None),
            owner_member=given("owner_member", None),
            owner_name=given("owner_name", ""),
            owner_uscc=given("owner_uscc", ""),
            categories=data["categories"]
            if "categories" in data
            else (list(agreement.categories.all()) if agreement else []),
            indicators=indicators,
        )
        serializer.instance = self.get_queryset().get(pk=made.pk)

    # The role is checked before the body: a member unit is told it may not write, not what
    # its body lacks.
    def create(self, request, *args, **kwargs):
        self.check_writer()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.check_writer()
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        self.save(serializer)

    def perform_update(self, serializer):
        self.save(serializer, serializer.instance)

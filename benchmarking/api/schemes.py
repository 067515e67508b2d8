"""Benchmarking schemes (对标方案): ``/api/v1/benchmark-schemes/``. Staff read every scheme of
their cooperatives; an enterprise the published and withdrawn ones of its cooperative. An
administrator makes one (``cooperative``: its slug) with its key indicators and the advanced
standards each is compared with, in one request; it is a draft until ``publish``; ``withdraw``
(with the reason) ends it."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from benchmarking import selectors
from benchmarking.models import BenchmarkScheme, ComparedStandard, Direction, SchemeIndicator
from benchmarking.services import schemes
from coop.models import Cooperative
from coop.roles import is_administrator
from coop.workflow_api import StepActions
from standards.models import ProductCategory


class BenchmarkCooperativeField(serializers.SlugRelatedField):
    """A cooperative the user may see, by its slug; another is unknown (a 400 naming it)."""

    def get_queryset(self):
        return Cooperative.objects.filter(pk__in=self.context["request"].visible_cooperative_ids)


class BenchmarkComparedSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ComparedStandard
        fields = ["kind", "kind_label", "code", "title", "value"]


class BenchmarkIndicatorSerializer(serializers.ModelSerializer):
    direction = serializers.ChoiceField(choices=Direction.choices)
    direction_label = serializers.CharField(source="get_direction_display", read_only=True)
    compared = BenchmarkComparedSerializer(many=True)

    class Meta:
        model = SchemeIndicator
        fields = [
            "id",
            "name",
            "unit",
            "direction",
            "direction_label",
            "advanced_value",
            "domestic_value",
            "domestic_standard",
            "compared",
        ]
        read_only_fields = ["id"]

    def validate_compared(self, value):
        if not value:
            raise serializers.ValidationError(_("Compare it with at least one advanced standard."))
        return value


class BenchmarkSchemeSerializer(serializers.ModelSerializer):
    cooperative = BenchmarkCooperativeField(slug_field="slug")
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductCategory.objects.all()
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    indicators = BenchmarkIndicatorSerializer(many=True, required=False)

    class Meta:
        model = BenchmarkScheme
        fields = [
            "id",
            "cooperative",
            "category",
            "category_name",
            "product",
            "title",
            "summary",
            "status",
            "status_label",
            "published_at",
            "indicators",
        ]
        read_only_fields = ["status", "published_at"]
        extra_kwargs = {"title": {"required": False}}


class BenchmarkSchemeViewSet(StepActions, viewsets.ModelViewSet):
    serializer_class = BenchmarkSchemeSerializer
    workflow = schemes.SCHEME
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            selectors.schemes_for(self.request.user)
            .select_related("cooperative")
            .prefetch_related(selectors.indicators_prefetch())
            .order_by("-published_at", "-id")
        )

    @transaction.atomic
    def perform_create(self, serializer):
        user, data = self.request.user, serializer.validated_data
        if not is_administrator(user):
            raise PermissionDenied(_("Only a cooperative administrator makes a scheme."))
        scheme = schemes.create_scheme(
            cooperative=data["cooperative"],
            actor=user,
            category=data["category"],
            product=data["product"],
            title=data.get("title", ""),
            summary=data.get("summary", ""),
        )
        for each in data.get("indicators", []):
            compared = [dict(c) for c in each.pop("compared")]
            schemes.add_indicator(scheme=scheme, actor=user, compared=compared, **each)
        serializer.instance = self.get_queryset().get(pk=scheme.pk)

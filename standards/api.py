from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from coop.owned import CooperativeOwnedViewSet, MemberOwnedViewSet, owned_serializer
from standards import exemptions, services
from standards.benchmarking import MARK_LABELS, benchmark, is_benchmarked, national_limits
from standards.models import (
    CollectionEntry,
    Drafting,
    Indicator,
    Limit,
    ProductCategory,
    ProductDeclaration,
    Standard,
)
from standards.selectors import (
    national_standards,
    search_standards,
    visible_standards,
    with_declared_limits,
    with_limits,
)
from standards.verdicts import UnreadableResult, verdict

SEARCH = OpenApiParameter("q", str, description="A part of the code or title, e.g. 床上用品")


class StandardSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    superseded_by = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Standard
        fields = [
            "id",
            "code",
            "level",
            "title_zh",
            "title_en",
            "issuing_body",
            "issued_on",
            "implemented_on",
            "withdrawn_on",
            "superseded_by",
            "status",
            "published",
        ]
        read_only_fields = ["level"]


class LimitSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)

    class Meta:
        model = Limit
        fields = [
            "indicator",
            "indicator_name",
            "unit",
            "category",
            "minimum",
            "minimum_inclusive",
            "maximum",
            "maximum_inclusive",
            "warn_below",
            "warn_above",
            "allowed",
            "prohibited",
            "detection_limit",
        ]


class StandardDetailSerializer(StandardSerializer):
    limits = LimitSerializer(many=True, read_only=True)
    supersedes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta(StandardSerializer.Meta):
        fields = [*StandardSerializer.Meta.fields, "supersedes", "limits"]


@extend_schema(parameters=[SEARCH])
class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue: national, industry and local standards, published group standards, and
    your cooperative's own. ``?q=`` searches codes and titles; ``?level=``, ``?category=``."""

    permission_classes = [AllowAny]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return StandardDetailSerializer if self.action == "retrieve" else StandardSerializer

    def get_queryset(self):
        standards = visible_standards(self.request.visible_cooperative_ids)
        params = self.request.query_params
        if params.get("level") in Standard.Level.values:
            standards = standards.filter(level=params["level"])
        if params.get("category"):
            standards = standards.filter(product_categories__code=params["category"])
        standards = search_standards(standards, params.get("q", ""))
        return with_limits(standards) if self.action == "retrieve" else standards


class IndicatorSerializer(serializers.ModelSerializer):
    method = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_zh",
            "name_en",
            "unit",
            "result_type",
            "decimals",
            "categories",
            "method",
        ]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """What labs measure, the unit, and how a result reads."""

    permission_classes = [AllowAny]
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.select_related("method")
    lookup_field = "code"


class VerdictRequest(serializers.Serializer):
    # An unknown standard or indicator is a 400 naming the field; the view narrows the
    # standards to those the caller may see.
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects)
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects)
    category = serializers.ChoiceField(choices=Limit.Category.choices)
    result = serializers.CharField(allow_blank=True)
    exemptions = serializers.ListField(
        child=serializers.ChoiceField(choices=exemptions.CHOICES),
        required=False,
        help_text="GB 18401-2010 exemptions of the product (codes): an indicator one takes out "
        "is not judged",
    )
    labelled = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="fibre content only: the labelled composition, e.g. 棉 95, 聚酯纤维 5, when "
        "the result does not give it in brackets",
    )


class VerdictResponse(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=["pass", "warn", "fail", ""], help_text="empty: not judged (an exemption)"
    )
    explanation = serializers.CharField()


class VerdictView(APIView):
    """Judge one result against a standard's limit: pass, warn or fail, and why."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=VerdictRequest, responses=VerdictResponse)
    def post(self, request):
        asked = VerdictRequest(data=request.data)
        asked.fields["standard"].queryset = visible_standards(request.visible_cooperative_ids)
        asked.is_valid(raise_exception=True)
        data = asked.validated_data
        try:
            judged = verdict(
                data["indicator"],
                data["standard"],
                data["category"],
                data["result"],
                exemptions=data.get("exemptions", ()),
                labelled=data.get("labelled") or None,
            )
        except UnreadableResult as error:  # the result, named, with the indicator and the rule
            raise serializers.ValidationError({"result": error.messages}) from None
        return Response({"result": judged.result, "explanation": judged.explanation})


class OwnStandardSerializer(StandardSerializer):
    product_categories = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=ProductCategory.objects.all()
    )

    class Meta(StandardSerializer.Meta):
        fields = [*StandardSerializer.Meta.fields, "product_categories"]
        # A buyer's requirement is chosen by level; a Chinese code's level follows from it.
        read_only_fields = []


@extend_schema(parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)])
class CooperativeStandardViewSet(CooperativeOwnedViewSet):
    """The cooperative's own group and enterprise standards, published or not; its
    administrators keep them."""

    model = Standard
    serializer_class = OwnStandardSerializer

    def get_queryset(self):
        own = super().get_queryset().filter(cooperative=self.request.cooperative)
        return own.select_related("superseded_by").prefetch_related("product_categories")

    def perform_create(self, serializer):
        categories = serializer.validated_data.pop("product_categories", [])
        super().perform_create(serializer)
        serializer.instance.product_categories.set(categories)

    def perform_update(self, serializer):
        categories = serializer.validated_data.pop("product_categories", None)
        super().perform_update(serializer)
        if categories is not None:
            serializer.instance.product_categories.set(categories)


class FlagSerializer(serializers.Serializer):
    standard = serializers.CharField(source="standard.code")
    flagged_on = serializers.DateField()
    replaced_by = serializers.CharField(source="standard.superseded_by.code", default=None)


class DeclarationSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductCategory.objects.all()
    )
    standards = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Standard.objects, help_text="ids from /api/v1/standards/"
    )
    outdated = FlagSerializer(source="flags", many=True, read_only=True)
    benchmarked = serializers.SerializerMethodField()

    class Meta:
        model = ProductDeclaration
        fields = [
            "id",
            "member",
            "product",
            "category",
            "safety_category",
            "standards",
            "declared_on",
            "outdated",
            "benchmarked",
        ]
        read_only_fields = ["declared_on"]

    def get_benchmarked(self, declaration) -> bool:
        national = national_limits(declaration.category, self.context["national"])
        return is_benchmarked(benchmark(declaration, national))


class BenchmarkRowSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    indicator_name = serializers.CharField()
    declared = LimitSerializer(allow_null=True, help_text="null when the product declares none")
    other = LimitSerializer()
    mark = serializers.ChoiceField(choices=sorted(MARK_LABELS))


class BenchmarkSerializer(serializers.Serializer):
    """A declaration beside the national (or another) standard, indicator by indicator."""

    benchmarked = serializers.BooleanField()
    rows = BenchmarkRowSerializer(many=True)


@extend_schema(parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)])
class DeclarationViewSet(MemberOwnedViewSet):
    """Members' self-declared standards per product; the daily check lists the outdated ones
    under ``outdated``; ``benchmarked`` when the declared limits are all at least as strict as
    the mandatory national ones. Changing a declaration replaces its standards."""

    model = ProductDeclaration
    serializer_class = DeclarationSerializer
    enterprise_writes = True
    filterset_fields = ["member", "category"]

    def get_queryset(self):
        return with_declared_limits(super().get_queryset())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["national"] = national_standards(self.request.visible_cooperative_ids)
        return context

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_write(data)
        declared = services.declare(actor=self.request.user, **data)
        # Read back as the list and detail read it: with its flags and declared limits.
        serializer.instance = self.get_queryset().get(pk=declared.pk)

    def perform_update(self, serializer):
        self.check_write(serializer.instance)
        standards = serializer.validated_data.get("standards")
        if standards is not None:
            services.redeclare(
                declaration=serializer.instance, actor=self.request.user, standards=standards
            )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(
        parameters=[OpenApiParameter("against", int, description="a standard's id")],
        responses=BenchmarkSerializer,
    )
    @action(detail=True)
    def benchmark(self, request, coop_slug, pk):
        """Indicator by indicator: the declared limit beside the national one, or beside the
        standard given as ``?against=`` (a group, international or buyer's standard)."""
        declaration = self.get_object()
        against = request.query_params.get("against")
        if against:
            other = get_object_or_404(
                with_limits(visible_standards(request.visible_cooperative_ids)), pk=against
            )
            limits = list(other.limits.all())
        else:
            limits = national_limits(
                declaration.category, self.get_serializer_context()["national"]
            )
        rows = benchmark(declaration, limits)
        return Response(
            {
                "benchmarked": is_benchmarked(rows),
                "rows": [
                    {
                        "indicator": row.indicator.code,
                        "indicator_name": row.indicator.name,
                        "declared": LimitSerializer(row.declared).data if row.declared else None,
                        "other": LimitSerializer(row.other).data,
                        "mark": row.mark,
                    }
                    for row in rows
                ],
            }
        )


class CollectionEntrySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="standard.code", read_only=True)
    title_zh = serializers.CharField(source="standard.title_zh", read_only=True)
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects)

    class Meta:
        model = CollectionEntry
        fields = ["id", "standard", "code", "title_zh", "section", "position", "note"]


@extend_schema(parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)])
class CollectionViewSet(CooperativeOwnedViewSet):
    """The cooperative's standards collection (e.g. its Home Textile Standards Collection)."""

    model = CollectionEntry
    serializer_class = CollectionEntrySerializer

    def get_queryset(self):
        return super().get_queryset().select_related("standard")

    def perform_create(self, serializer):
        self.check_write(serializer.validated_data)
        serializer.instance = services.collect(
            cooperative=self.request.cooperative,
            actor=self.request.user,
            **serializer.validated_data,
        )


@extend_schema(parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)])
class DraftingViewSet(MemberOwnedViewSet):
    """Members leading or joining the drafting of standards."""

    model = Drafting
    serializer_class = owned_serializer(Drafting, "member", "standard", "role", "year")
    filterset_fields = ["member", "role", "year"]

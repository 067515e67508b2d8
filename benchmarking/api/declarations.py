"""Benchmarking declarations (达标声明): ``/api/v1/benchmark-declarations/``. A member declares
its own product against a published scheme of its cooperative (an administrator any member's),
with ``values``: key indicator id → the value claimed, each meeting the scheme's advanced value
(or a 400 naming the indicator). Staff ``accept`` or ``return`` it (with the reason), the member
``resubmit``s a returned one, staff ``certify`` an accepted one with the third-party
certificate. Benchmarked products are public at ``/api/v1/public/benchmarked-products/``."""

from django.utils.translation import gettext as _
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny

from benchmarking import selectors
from benchmarking.models import BenchmarkDeclaration, BenchmarkScheme, ClaimedValue
from benchmarking.services import declarations
from coop.roles import is_administrator, is_enterprise
from coop.workflow_api import StepActions
from members.models import Member


class BenchmarkClaimSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    direction = serializers.CharField(source="indicator.direction")
    advanced_value = serializers.DecimalField(
        source="indicator.advanced_value", max_digits=12, decimal_places=3
    )

    class Meta:
        model = ClaimedValue
        fields = ["indicator", "indicator_name", "unit", "direction", "advanced_value", "value"]


class BenchmarkDeclarationSerializer(serializers.ModelSerializer):
    scheme = serializers.PrimaryKeyRelatedField(queryset=BenchmarkScheme.objects)
    scheme_title = serializers.CharField(source="scheme.title", read_only=True)
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects, required=False)
    member_name = serializers.CharField(source="member.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    values = serializers.DictField(
        child=serializers.CharField(),
        write_only=True,
        help_text="Key indicator id → the value claimed.",
    )
    claims = BenchmarkClaimSerializer(many=True, read_only=True)

    class Meta:
        model = BenchmarkDeclaration
        fields = [
            "id",
            "scheme",
            "scheme_title",
            "member",
            "member_name",
            "product_name",
            "model",
            "values",
            "claims",
            "status",
            "status_label",
            "declared_at",
            "reviewed_at",
            "review_reason",
            "evaluation_body",
            "certificate_number",
            "certified_on",
            "valid_until",
        ]
        read_only_fields = [
            "status",
            "declared_at",
            "reviewed_at",
            "review_reason",
            "evaluation_body",
            "certificate_number",
            "certified_on",
            "valid_until",
        ]


class BenchmarkDeclarationViewSet(StepActions, viewsets.ModelViewSet):
    serializer_class = BenchmarkDeclarationSerializer
    workflow = declarations.DECLARATION
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["status", "member", "scheme"]

    def get_queryset(self):
        return (
            selectors.declarations_for(self.request.user)
            .prefetch_related(selectors.claims_prefetch())
            .order_by("-declared_at", "-id")
        )

    def perform_create(self, serializer):
        user, data = self.request.user, serializer.validated_data
        member = data.get("member")
        if is_enterprise(user) and user.member_id:
            if member is not None and member.pk != user.member_id:
                raise serializers.ValidationError(
                    {"member": [_("An enterprise declares its own products.")]}
                )
            member = user.member
        elif not is_administrator(user):
            raise PermissionDenied(_("Only the member unit or an administrator declares."))
        elif member is None:
            raise serializers.ValidationError({"member": [_("Name the member unit.")]})
        made = declarations.declare(
            member=member,
            actor=user,
            scheme=data["scheme"],
            product_name=data["product_name"],
            model=data.get("model", ""),
            values=data["values"],
        )
        serializer.instance = self.get_queryset().get(pk=made.pk)


class BenchmarkPublicCompared(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    code = serializers.CharField()
    title = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=3)


class BenchmarkPublicIndicator(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    advanced_value = serializers.DecimalField(max_digits=12, decimal_places=3)
    domestic_value = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    domestic_standard = serializers.CharField()
    compared = BenchmarkPublicCompared(many=True)


class BenchmarkPublicScheme(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    product = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    indicators = BenchmarkPublicIndicator(many=True)


class PublicBenchmarkedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cooperative = serializers.CharField(source="cooperative.slug")
    cooperative_name = serializers.CharField(source="cooperative.name")
    member_name = serializers.CharField(source="member.name")
    product_name = serializers.CharField()
    model = serializers.CharField()
    scheme = BenchmarkPublicScheme()
    evaluation_body = serializers.CharField()
    certificate_number = serializers.CharField()
    certified_on = serializers.DateField()
    valid_until = serializers.DateField()


class PublicBenchmarkedList(generics.ListAPIView):
    """Benchmarked products (达标产品) of every cooperative: certified, still valid, of a
    published scheme and an active member unit; newest certificate first; ``?q=`` searches the
    product and the member's name. No contact data."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PublicBenchmarkedSerializer

    def get_queryset(self):
        return selectors.public_benchmarked(self.request.query_params.get("q", ""))

"""Same line, same standard, same quality (同线同标同质): ``/api/v1/same-line-products/``. A
member declares its own (an administrator any member's); staff approve or reject it (the
declared steps ``approve`` and ``reject``); approved ones are public at
``/api/v1/public/same-line-products/``."""

from django.utils.translation import gettext as _
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny

from coop.roles import is_administrator, is_enterprise
from coop.workflow_api import StepActions
from exports import countries, selectors
from exports.models import SameLineProduct
from exports.services import same_line
from exports.services.products import markets_of
from members.models import Member
from standards.models import Standard


class SameLineSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects, required=False)
    member_name = serializers.CharField(source="member.name", read_only=True)
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects)
    standard_code = serializers.CharField(source="standard.code", read_only=True)
    markets = serializers.ListField(child=serializers.CharField(max_length=2))
    market_names = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SameLineProduct
        fields = [
            "id",
            "member",
            "member_name",
            "product",
            "standard",
            "standard_code",
            "markets",
            "market_names",
            "line",
            "status",
            "status_label",
            "declared_at",
            "reviewed_at",
            "review_reason",
        ]
        read_only_fields = ["status", "declared_at", "reviewed_at", "review_reason"]

    def get_market_names(self, row) -> list[str]:
        return [countries.name(code) for code in row.markets]

    def validate_markets(self, value):
        from django.core.exceptions import ValidationError

        try:
            return markets_of(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict["markets"]) from None


class SameLineViewSet(StepActions, viewsets.ModelViewSet):
    serializer_class = SameLineSerializer
    workflow = same_line.SAME_LINE
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["status", "member"]

    def get_queryset(self):
        return selectors.same_line_for(self.request.user).order_by("-declared_at", "-id")

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
        serializer.instance = same_line.declare(
            member=member,
            actor=user,
            product=data["product"],
            standard=data["standard"],
            markets=data["markets"],
            line=data["line"],
        )


class PublicSameLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cooperative = serializers.CharField(source="cooperative.slug")
    cooperative_name = serializers.CharField(source="cooperative.name")
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.name")
    product = serializers.CharField()
    standard_code = serializers.CharField(source="standard.code")
    standard_title = serializers.CharField(source="standard.title_zh")
    markets = serializers.ListField(child=serializers.CharField())
    market_names = serializers.SerializerMethodField()
    approved_at = serializers.DateTimeField(source="reviewed_at")

    def get_market_names(self, row) -> list[str]:
        return [countries.name(code) for code in row.markets]


class PublicSameLineList(generics.ListAPIView):
    """Approved same-line products of every cooperative, newest approval first; ``?q=``
    searches the product and the member's name. No contact data."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PublicSameLineSerializer

    def get_queryset(self):
        return selectors.public_same_line(self.request.query_params.get("q", ""))

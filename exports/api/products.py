"""A member's export products: ``/api/v1/export-products/``. An enterprise reads and writes
its own unit's; the cooperative's administrator any member's of its cooperative (``member``);
a region supervisor reads. Writes go through ``exports.services.products``, which matches the
product to the measures already entered."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from coop.roles import is_administrator, is_enterprise
from exports import countries, selectors
from exports.models import ExportProduct
from exports.services import products
from members.models import Member
from standards.models import ProductCategory


class MarketsField(serializers.ListField):
    def to_representation(self, data):
        return [market.country for market in data.all()]


class ExportProductSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects,
        required=False,
        help_text="The member unit (an administrator names it; an enterprise's is its own).",
    )
    member_name = serializers.CharField(source="member.name", read_only=True)
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ProductCategory.objects.all(),
        required=False,
        allow_null=True,
    )
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    markets = MarketsField(
        child=serializers.CharField(max_length=2),
        help_text="ISO 3166 alpha-2 codes of the countries it is exported to, e.g. DE, US.",
    )
    market_names = serializers.SerializerMethodField()

    class Meta:
        model = ExportProduct
        fields = [
            "id",
            "member",
            "member_name",
            "name",
            "category",
            "category_name",
            "hs_code",
            "markets",
            "market_names",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_market_names(self, product) -> list[str]:
        return [countries.name(market.country) for market in product.markets.all()]

    def validate_markets(self, value):
        try:
            return products.markets_of(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict["markets"]) from None


class ExportProductViewSet(viewsets.ModelViewSet):
    """Export products of the members the user may see: an enterprise its own."""

    serializer_class = ExportProductSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"\d+"
    filterset_fields = ["member", "hs_code"]

    def get_queryset(self):
        return selectors.export_products_for(self.request.user).order_by(
            "member__name", "name", "pk"
        )

    def member_for(self, data, product=None):
        user = self.request.user
        member = data.get("member") or (product.member if product else None)
        if is_enterprise(user) and user.member_id:
            if member is not None and member.pk != user.member_id:
                raise serializers.ValidationError(
                    {"member": [_("An enterprise enters its own export products.")]}
                )
            return user.member
        if not is_administrator(user):
            raise PermissionDenied(_("Only the member unit or an administrator enters these."))
        if member is None:
            raise serializers.ValidationError({"member": [_("Name the member unit.")]})
        return member

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = products.save_export_product(
            member=self.member_for(data),
            actor=self.request.user,
            name=data["name"],
            hs_code=data["hs_code"],
            markets=data["markets"],
            category=data.get("category"),
        )

    def perform_update(self, serializer):
        product, data = serializer.instance, serializer.validated_data
        member = self.member_for(data, product)
        if member.pk != product.member_id:
            raise serializers.ValidationError({"member": [_("A product stays with its member.")]})
        serializer.instance = products.save_export_product(
            member=member,
            actor=self.request.user,
            product=product,
            name=data.get("name", product.name),
            hs_code=data.get("hs_code", product.hs_code),
            markets=data.get("markets", product.market_codes),
            category=data["category"] if "category" in data else product.category,
        )

    def perform_destroy(self, instance):
        self.member_for({}, instance)
        products.delete_export_product(product=instance, actor=self.request.user)

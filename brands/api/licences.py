"""The cooperative's collective trademarks, and its trademark licences with the mark's
registration number and the licence number (read only: the licences themselves are written at
``…/trademark-licences/``, members' resource, and the numbers in the admin)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from brands import selectors
from brands.api.rows import COOP_SLUG, ByIdsPagination
from brands.models import CollectiveTrademark
from members.models import TrademarkLicence


class LicenceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    registration_number = serializers.SerializerMethodField()
    licence_number = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = TrademarkLicence
        fields = [
            "id",
            "member",
            "member_name",
            "trademark",
            "registration_number",
            "licence_number",
            "starts_on",
            "ends_on",
            "in_force",
        ]
        read_only_fields = fields

    @staticmethod
    def terms(licence):
        try:
            return licence.brand_terms
        except TrademarkLicence.brand_terms.RelatedObjectDoesNotExist:
            return None

    def get_registration_number(self, licence) -> str | None:
        terms = self.terms(licence)
        return terms.mark.registration_number if terms else None

    def get_licence_number(self, licence) -> str | None:
        terms = self.terms(licence)
        return terms.number if terms else None

    def get_in_force(self, licence) -> bool:
        return bool(licence.in_force)


@extend_schema(parameters=[COOP_SLUG])
class LicenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Trademark licences, those in force first (``?in_force=true``: only those)."""

    serializer_class = LicenceSerializer
    pagination_class = ByIdsPagination
    filterset_fields = ["member"]

    def get_queryset(self):
        rows = selectors.licences_for(self.request.user)
        asked = self.request.query_params.get("in_force", "").lower()
        if asked in ("true", "1"):
            rows = rows.filter(in_force=1)
        elif asked in ("false", "0"):
            rows = rows.filter(in_force=0)
        return rows


class MarkSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectiveTrademark
        fields = [
            "id",
            "name",
            "registration_number",
            "nice_class",
            "goods",
            "registrant",
            "registered_on",
            "valid_until",
        ]
        read_only_fields = fields


@extend_schema(parameters=[COOP_SLUG])
class MarkViewSet(viewsets.ReadOnlyModelViewSet):
    """The collective trademarks the cooperative's chamber registered."""

    serializer_class = MarkSerializer

    def get_queryset(self):
        return selectors.marks_for(self.request.user)

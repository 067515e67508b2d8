"""A member's certifications, honours, trademark licences and growth events."""

from drf_spectacular.utils import extend_schema

from coop.owned import MemberOwnedViewSet, owned_serializer
from coop.periods import asked_days
from members.api.members import COOP_SLUG
from members.models import Certification, GrowthEvent, Honour, TrademarkLicence
from members.services import members as member_services


@extend_schema(parameters=[COOP_SLUG])
class CertificationViewSet(MemberOwnedViewSet):
    """ISO 9001 and other certificates; ``?expiring=90`` lists those expiring within 90 days."""

    model = Certification
    serializer_class = owned_serializer(
        Certification, "member", "scheme", "number", "body", "issued_on", "expires_on"
    )
    enterprise_writes = True
    filterset_fields = ["member", "scheme"]

    def get_queryset(self):
        rows = super().get_queryset()
        days = asked_days(self.request.query_params, "expiring")
        return rows if days is None else rows.expiring_within(days)


@extend_schema(parameters=[COOP_SLUG])
class HonourViewSet(MemberOwnedViewSet):
    model = Honour
    serializer_class = owned_serializer(Honour, "member", "title", "awarded_by", "awarded_on")
    filterset_fields = ["member"]


@extend_schema(parameters=[COOP_SLUG])
class TrademarkLicenceViewSet(MemberOwnedViewSet):
    """Collective trademarks licensed to members."""

    model = TrademarkLicence
    serializer_class = owned_serializer(
        TrademarkLicence, "member", "trademark", "starts_on", "ends_on"
    )
    filterset_fields = ["member"]


@extend_schema(parameters=[COOP_SLUG])
class GrowthEventViewSet(MemberOwnedViewSet):
    """个转企 and 小升规: recording one also changes the member's kind or scale."""

    model = GrowthEvent
    serializer_class = owned_serializer(GrowthEvent, "member", "kind", "on", "note")
    filterset_fields = ["member", "kind"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        self.check_write(data)
        serializer.instance = member_services.record_growth(actor=self.request.user, **data)

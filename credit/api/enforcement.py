"""Inspections, violations (their outcome decided when recorded) and rectification orders,
marked rectified through ``enforcement.ORDER``."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from coop.owned import MemberOwnedViewSet
from coop.workflow_api import StepActions
from credit import selectors
from credit.api.rows import COOP_SLUG, MadeByService
from credit.models import (
    Inspection,
    RectificationOrder,
    Violation,
)
from credit.services import enforcement
from members.models import Member


class InspectionSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects)

    class Meta:
        model = Inspection
        fields = ["id", "member", "inspected_on", "inspectors", "findings"]


@extend_schema(parameters=[COOP_SLUG])
class InspectionViewSet(MadeByService, MemberOwnedViewSet):
    model = Inspection
    serializer_class = InspectionSerializer
    create_with = enforcement.record_inspection
    filterset_fields = ["member"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.inspections_for(self.request.user)


class ViolationSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects)
    inspection = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects, required=False, allow_null=True
    )
    # Kept as a code and its figures; words in the reader's language.
    outcome_reason = serializers.CharField(source="outcome_said", read_only=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "member",
            "inspection",
            "kind",
            "severity",
            "legal_clause",
            "occurred_on",
            "outcome",
            "outcome_reason",
            "penalty_amount",
        ]
        read_only_fields = ["outcome", "outcome_reason"]


@extend_schema(parameters=[COOP_SLUG])
class ViolationViewSet(MadeByService, MemberOwnedViewSet):
    """Violations: recording one decides its outcome (a first minor one within the policy's
    period is a warning without penalty; a repeat or a serious one, the penalty)."""

    model = Violation
    serializer_class = ViolationSerializer
    create_with = enforcement.record_violation
    filterset_fields = ["member", "outcome"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.violations_for(self.request.user)


class OrderSerializer(serializers.ModelSerializer):
    violation = serializers.PrimaryKeyRelatedField(queryset=Violation.objects)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RectificationOrder
        fields = ["id", "violation", "requirement", "deadline", "status", "done_on", "overdue"]
        read_only_fields = ["status", "done_on"]


@extend_schema(parameters=[COOP_SLUG])
class OrderViewSet(StepActions, MadeByService, MemberOwnedViewSet):
    """Rectification orders with deadlines; ``<id>/done/`` marks one rectified."""

    model = RectificationOrder
    serializer_class = OrderSerializer
    member_path = "violation__member"
    workflow = enforcement.ORDER
    create_with = enforcement.order_rectification
    filterset_fields = ["status"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.orders_for(self.request.user)

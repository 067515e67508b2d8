"""Commitment fulfilment assessments: worked out and announced for a period, adjusted and
objected to through ``assessments.ASSESSMENT``'s steps."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from coop import periods
from credit import selectors
from credit.api.objections import ObjectionSerializer
from credit.api.rows import COOP_SLUG, ReadOnlyOwned, administrator_only
from credit.models import (
    Announcement,
    Assessment,
)
from credit.services import assessments


class AnnouncementSerializer(serializers.ModelSerializer):
    # A notice the portal wrote reads in the reader's language.
    title = serializers.CharField(source="title_said", read_only=True)
    body = serializers.CharField(source="body_said", read_only=True)

    class Meta:
        model = Announcement
        fields = ["id", "title", "body", "published_at"]


class AssessmentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "member",
            "member_name",
            "period_start",
            "period_end",
            "computed",
            "result",
            "basis",
            "adjustment_reason",
            "status",
            "objections_until",
            "finalised_at",
            "objections",
        ]
        read_only_fields = fields


class PeriodSerializer(serializers.Serializer):
    start = periods.DateField()
    end = periods.DateField()
    days = serializers.IntegerField(min_value=1, max_value=30, default=assessments.OBJECTION_DAYS)

    def validate(self, data):
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": _("The period ends before it starts.")})
        return data


@extend_schema(parameters=[COOP_SLUG])
class AssessmentViewSet(ReadOnlyOwned):
    """Commitment fulfilment assessments: ``run/`` works them out for a period, staff adjust
    them, ``announce/`` publishes a period for objections, members object."""

    model = Assessment
    serializer_class = AssessmentSerializer
    workflow = assessments.ASSESSMENT
    filterset_fields = ["status", "member", "period_end"]

    def get_queryset(self):
        return selectors.assessments_for(self.request.user).prefetch_related("objections")

    @extend_schema(
        request=PeriodSerializer,
        parameters=[COOP_SLUG],
        responses={
            201: inline_serializer("AssessmentRun", {"created": serializers.IntegerField()})
        },
    )
    @action(detail=False, methods=["post"])
    def run(self, request, **kwargs):
        administrator_only(request.user)
        period = PeriodSerializer(data=request.data)
        period.is_valid(raise_exception=True)
        made = assessments.assess(
            cooperative_id=request.cooperative.pk,
            start=period.validated_data["start"],
            end=period.validated_data["end"],
        )
        return Response({"created": len(made)}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PeriodSerializer, parameters=[COOP_SLUG], responses={201: AnnouncementSerializer}
    )
    @action(detail=False, methods=["post"])
    def announce(self, request, **kwargs):
        administrator_only(request.user)
        period = PeriodSerializer(data=request.data)
        period.is_valid(raise_exception=True)
        announcement = assessments.announce(
            cooperative=request.cooperative, actor=request.user, **period.validated_data
        )
        return Response(AnnouncementSerializer(announcement).data, status=status.HTTP_201_CREATED)

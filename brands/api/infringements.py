"""Trademark-infringement reports: a member unit reports (multipart, with evidence files), staff
take the steps (``infringements.INFRINGEMENT``) at ``POST …/<id>/<verb>/``."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from brands import selectors
from brands.api.rows import COOP_SLUG, ByIdsPagination, member_field, member_of
from brands.models import CollectiveTrademark, InfringementReport
from brands.services import infringements
from coop.models import Attachment
from coop.owned import MemberOwnedViewSet
from coop.workflow_api import StepActions


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at"]


class InfringementSerializer(serializers.ModelSerializer):
    member = member_field()
    member_name = serializers.CharField(source="member.name", read_only=True)
    mark = serializers.PrimaryKeyRelatedField(
        queryset=CollectiveTrademark.objects, required=False, allow_null=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    evidence = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        write_only=True,
        required=False,
        help_text="Photos or PDFs (multipart); each checked from its content.",
    )

    class Meta:
        model = InfringementReport
        fields = [
            "id",
            "member",
            "member_name",
            "mark",
            "channel",
            "channel_label",
            "place",
            "url",
            "seen_on",
            "description",
            "evidence",
            "reported_at",
            "status",
            "status_label",
            "authority",
            "reference",
            "outcome",
            "closed_at",
        ]
        read_only_fields = [
            "reported_at",
            "status",
            "authority",
            "reference",
            "outcome",
            "closed_at",
        ]


@extend_schema(parameters=[COOP_SLUG])
class InfringementViewSet(StepActions, MemberOwnedViewSet):
    """Reports of goods sold under the collective trademark without a licence."""

    model = InfringementReport
    serializer_class = InfringementSerializer
    workflow = infringements.INFRINGEMENT
    enterprise_writes = True
    filterset_fields = ["status", "member", "channel"]
    http_method_names = ["get", "post", "head", "options"]
    pagination_class = ByIdsPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.reports_for(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        member = member_of(self.request, data)
        self.check_write({"member": member})
        serializer.instance = infringements.report(member=member, actor=self.request.user, **data)

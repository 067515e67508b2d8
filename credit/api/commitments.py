"""Quality commitments: a member drafts and revises its own, staff review and publish them;
the steps are ``commitments.COMMITMENT``'s."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from coop.owned import MemberOwnedViewSet
from coop.pagination import QuerysetByIds
from coop.workflow_api import StepActions
from credit import selectors
from credit.api.rows import COOP_SLUG, MadeByService
from credit.models import (
    Commitment,
)
from credit.services import commitments
from members.models import Member


class ReplacesField(serializers.ListField):
    """The ids of the member's commitments in force this one replaces (withdrawn when it is
    published); read from the prefetched rows."""

    def to_representation(self, data):
        return sorted(row.pk for row in data.all())


class CommitmentSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects)
    member_name = serializers.CharField(source="member.name", read_only=True)
    certificate = serializers.CharField(read_only=True, required=False, allow_null=True)
    # The public verification asks for the certificate's code, not its number.
    certificate_code = serializers.CharField(read_only=True, required=False, allow_null=True)
    replaces = ReplacesField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=(
            "Ids of the member's own published commitments in force that this one replaces: "
            "they are withdrawn (certificates revoked) when it is published. Empty by default: "
            "the member's other commitments stay in force beside it."
        ),
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "member",
            "member_name",
            "status",
            *commitments.FIELDS,
            "replaces",
            "review_note",
            "published_at",
            "certificate",
            "certificate_code",
        ]
        read_only_fields = ["status", "review_note", "published_at"]


class CommitmentPagination(PageNumberPagination):
    """Ids first, then the page's rows: a commitment's certificate (two subqueries) is read for
    the page's rows only, not for every row an OFFSET skips."""

    django_paginator_class = QuerysetByIds


@extend_schema(parameters=[COOP_SLUG])
class CommitmentViewSet(StepActions, MadeByService, MemberOwnedViewSet):
    """Quality commitments: a member drafts and revises its own (staff may for any member),
    submits it; staff publish or return it, and withdraw a published one."""

    model = Commitment
    serializer_class = CommitmentSerializer
    enterprise_writes = True
    workflow = commitments.COMMITMENT
    create_with = commitments.draft
    filterset_fields = ["status", "member"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    pagination_class = CommitmentPagination

    def get_queryset(self):
        return selectors.commitments_for(self.request.user).prefetch_related("replaces")

    def perform_create(self, serializer):
        self.check_write(serializer.validated_data)
        serializer.instance = commitments.draft(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        self.check_write(serializer.instance)
        data = dict(serializer.validated_data)
        data.pop("member", None)
        serializer.instance = commitments.revise(
            commitment=serializer.instance, actor=self.request.user, **data
        )

"""Complaints about members, for staff and, without the complainant's contact, for the member;
the steps are ``complaints.COMPLAINT``'s."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination

from coop.pagination import QuerysetByIds
from coop.roles import is_staff
from credit import selectors
from credit.api.rows import COOP_SLUG, ReadOnlyOwned
from credit.evidence import evidence_response
from credit.models import (
    Complaint,
)
from credit.services import complaints


class ComplaintSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "member",
            "member_name",
            "product",
            "description",
            "contact",
            "has_evidence",
            "evidence_type",
            "tracking_code",
            "received_at",
            "status",
            "triage",
            "triage_reason",
            "duplicate_of",
            "answer",
            "resolution",
            "resolved_at",
        ]
        read_only_fields = fields

    def get_has_evidence(self, complaint) -> bool:
        return bool(complaint.evidence)


class MemberComplaintSerializer(ComplaintSerializer):
    """What the member complained about reads: never the complainant's contact or code."""

    class Meta(ComplaintSerializer.Meta):
        fields = [
            name
            for name in ComplaintSerializer.Meta.fields
            if name not in ("contact", "tracking_code")
        ]
        read_only_fields = fields


class ComplaintPagination(PageNumberPagination):
    """Ids first, then the page's rows with their members: with an OFFSET joined to its
    members, a deep page read every member instead (coop.pagination.QuerysetByIds)."""

    django_paginator_class = QuerysetByIds


@extend_schema(parameters=[COOP_SLUG])
class ComplaintViewSet(ReadOnlyOwned):
    """Complaints about members: staff triage and resolve them; the member reads those found
    valid about it (without the complainant's contact) and answers them."""

    model = Complaint
    workflow = complaints.COMPLAINT
    filterset_fields = ["status", "triage", "member"]
    pagination_class = ComplaintPagination

    def get_queryset(self):
        return selectors.complaints_for(self.request.user)

    def get_serializer_class(self):
        if is_staff(self.request.user):
            return ComplaintSerializer
        return MemberComplaintSerializer

    @extend_schema(responses={200: bytes}, parameters=[COOP_SLUG])
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk, **kwargs):
        """The purchase evidence, for staff, always as a download of its checked type."""
        complaint = self.get_object()
        if not is_staff(request.user):
            raise PermissionDenied(_("The evidence is for staff."))
        return evidence_response(complaint)

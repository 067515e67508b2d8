from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coop.clients import client_address
from coop.roles import is_administrator, is_enterprise, is_staff
from members.api.members import COOP_SLUG
from members.models import Convention, ConventionSignature, Member
from members.selectors import members_needing_signature
from members.services import convention as convention_services


class ConventionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Convention
        fields = ["id", "version", "title", "text", *Convention.SECTIONS, "adopted_on"]
        read_only_fields = ["version"]


class SignatureSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = ConventionSignature
        fields = [
            "id",
            "convention",
            "member",
            "member_name",
            "signer_name",
            "signer_position",
            "signed_at",
        ]
        read_only_fields = ["convention", "member", "signed_at"]


class UnsignedMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "name", "status"]


@extend_schema(parameters=[COOP_SLUG])
class ConventionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of the quality convention; posting one adopts the next version."""

    serializer_class = ConventionSerializer

    def get_queryset(self):
        user = self.request.user
        if is_staff(user) or is_enterprise(user):
            return Convention.objects.all()
        return Convention.objects.none()

    def perform_create(self, serializer):
        if not is_administrator(self.request.user):
            raise PermissionDenied(_("Only a cooperative administrator adopts the convention."))
        serializer.instance = convention_services.convention_adopt(
            cooperative=self.request.cooperative,
            actor=self.request.user,
            **serializer.validated_data,
        )

    @extend_schema(methods=["GET"], responses=SignatureSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=SignatureSerializer, responses={201: SignatureSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def signatures(self, request, coop_slug, pk):
        """GET: who signed this version (an enterprise, its own). POST: sign it (enterprise)."""
        convention = self.get_object()
        if request.method == "POST":
            return self.sign(request, convention)
        signatures = convention.signatures.select_related("member")
        if not is_staff(request.user):
            signatures = signatures.filter(member=request.user.member_id)
        page = self.paginate_queryset(signatures)
        return self.get_paginated_response(SignatureSerializer(page, many=True).data)

    def sign(self, request, convention):
        if not is_enterprise(request.user):
            raise PermissionDenied(_("A member unit signs the convention from its own account."))
        current = convention_services.current_convention(convention.cooperative_id)
        if current.pk != convention.pk:
            return Response(
                {
                    "detail": _("Only the current version (%(version)s) can be signed.")
                    % {"version": current.version}
                },
                status=status.HTTP_409_CONFLICT,
            )
        details = SignatureSerializer(data=request.data)
        details.is_valid(raise_exception=True)
        signature = convention_services.convention_sign(
            member=get_object_or_404(Member.objects.all(), pk=request.user.member_id),
            actor=request.user,
            ip_address=client_address(request) or None,
            **details.validated_data,
        )
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=UnsignedMemberSerializer(many=True))
    @action(detail=False)
    def unsigned(self, request, coop_slug):
        """Staff: members and approved applicants who have not signed the current version."""
        if not is_staff(request.user):
            raise PermissionDenied(_("Only staff see who has not signed."))
        page = self.paginate_queryset(members_needing_signature(request.cooperative.pk))
        return self.get_paginated_response(UnsignedMemberSerializer(page, many=True).data)

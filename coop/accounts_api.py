"""The API of a cooperative's accounts and invitations (``coop.invitations`` holds the rules).

- ``GET …/coops/<slug>/invitations/``: the pending invitations the caller sees;
  ``POST`` invites someone (a 403 when the caller's role may not invite that account);
- ``POST …/invitations/<id>/revoke/`` withdraws a pending one;
- ``GET …/coops/<slug>/accounts/``: the accounts the caller answers for;
  ``POST …/accounts/<id>/deactivate/`` and ``…/activate/``.

Another cooperative's slug is a 404 (the scope middleware); another cooperative's row a 404.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from coop import invitations
from coop.models import Invitation, Role, User
from coop.permissions import only

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)
ROW_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
MANAGERS = only(
    invitations.may_manage_accounts,
    _("Only a cooperative's administrators, a unit's owner or a lab's lead manage accounts."),
)
INVITED_ROLES = [
    (r.value, r.label) for r in (Role.COOP_ADMIN, Role.ENTERPRISE, Role.LAB_TECHNICIAN)
]


class InvitationSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_title", read_only=True)
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)
    invited_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "role_display",
            "member",
            "institution",
            "is_owner",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
        ]
        read_only_fields = fields


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=150)
    role = serializers.ChoiceField(choices=INVITED_ROLES)
    member = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    institution = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    owner = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        """The member unit and lab by id: one of this cooperative's, or a 400 naming it."""
        cooperative = self.context["cooperative"]
        members = User._meta.get_field("member").related_model
        labs = User._meta.get_field("institution").related_model
        if data.get("member") is not None:
            data["member"] = members.objects.filter(
                pk=data["member"], cooperative=cooperative
            ).first()
            if data["member"] is None:
                raise serializers.ValidationError(
                    {"member": _("No member unit of this cooperative has this id.")}
                )
        if data.get("institution") is not None:
            data["institution"] = labs.objects.filter(
                pk=data["institution"], cooperatives=cooperative
            ).first()
            if data["institution"] is None:
                raise serializers.ValidationError(
                    {"institution": _("No lab serving this cooperative has this id.")}
                )
        return data


@extend_schema(parameters=[COOP_SLUG])
class InvitationListView(generics.ListAPIView):
    """The pending invitations the caller sees (an administrator: all of the cooperative's; a
    unit's owner or a lab's lead: its own unit's or lab's); a POST invites someone."""

    serializer_class = InvitationSerializer

    def get_permissions(self):
        if self.request.method == "POST":  # who may invite whom is the service's to say
            return [IsAuthenticated()]
        return [permission() for permission in MANAGERS]

    def get_queryset(self):
        return (
            invitations.invitations_for(self.request.user, self.request.cooperative)
            .select_related("invited_by")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=InviteSerializer, responses={201: InvitationSerializer})
    def post(self, request, coop_slug):
        given = InviteSerializer(data=request.data, context={"cooperative": request.cooperative})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        invitation = invitations.invite(
            inviter=request.user,
            cooperative=request.cooperative,
            email=data["email"],
            role=data["role"],
            member=data.get("member"),
            institution=data.get("institution"),
            owner=data.get("owner", False),
        )
        return Response(InvitationSerializer(invitation).data, status=201)


class InvitationRevokeView(APIView):
    """Withdraw a pending invitation: its link stops working."""

    permission_classes = MANAGERS

    @extend_schema(parameters=[COOP_SLUG, ROW_ID], request=None, responses=InvitationSerializer)
    def post(self, request, coop_slug, id):
        invitation = generics.get_object_or_404(
            invitations.invitations_for(request.user, request.cooperative), pk=id
        )
        invitation = invitations.revoke(invitation=invitation, actor=request.user)
        return Response(InvitationSerializer(invitation).data)


class AccountSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_title", read_only=True)
    # Accounts made before invitations may have none: "" is no email address.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "role_display",
            "is_owner",
            "member",
            "institution",
            "is_active",
            "last_login",
        ]
        read_only_fields = fields


@extend_schema(parameters=[COOP_SLUG])
class AccountListView(generics.ListAPIView):
    """The accounts the caller answers for: an administrator all of the cooperative's
    (administrators, its units' users, its labs' technicians), a unit's owner or a lab's lead
    its colleagues."""

    serializer_class = AccountSerializer
    permission_classes = MANAGERS

    def get_queryset(self):
        return invitations.accounts_for(self.request.user, self.request.cooperative).order_by(
            "username"
        )


class AccountActiveView(APIView):
    """Deactivate an account (its API tokens and sessions end at once) or activate it again."""

    permission_classes = MANAGERS
    active = False

    @extend_schema(parameters=[COOP_SLUG, ROW_ID], request=None, responses=AccountSerializer)
    def post(self, request, coop_slug, id):
        target = generics.get_object_or_404(
            invitations.accounts_for(request.user, request.cooperative), pk=id
        )
        user = invitations.set_active(
            user=target, actor=request.user, cooperative=request.cooperative, active=self.active
        )
        return Response(AccountSerializer(user).data)

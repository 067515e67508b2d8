"""Exit proposals raised by thresholds and decided through ``enforcement.EXIT_PROPOSAL``."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from coop.permissions import only
from coop.roles import is_staff
from credit import selectors
from credit.api.rows import COOP_SLUG, ReadOnlyOwned, administrator_only
from credit.models import (
    ExitProposal,
)
from credit.services import enforcement


class ExitProposalSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    # Kept as codes; words in the reader's language.
    grounds = serializers.ListField(child=serializers.CharField(), source="grounds_said")

    class Meta:
        model = ExitProposal
        fields = [
            "id",
            "member",
            "member_name",
            "grounds",
            "status",
            "proposed_at",
            "decision_reason",
            "decided_at",
        ]
        read_only_fields = fields


@extend_schema(parameters=[COOP_SLUG])
class ExitProposalViewSet(ReadOnlyOwned):
    """Exit proposals raised by thresholds (``run/`` checks them now); an administrator
    decides each (``<id>/decide/`` with ``accept`` and ``reason``)."""

    model = ExitProposal
    serializer_class = ExitProposalSerializer
    workflow = enforcement.EXIT_PROPOSAL
    filterset_fields = ["status"]
    permission_classes = only(is_staff, gettext_lazy("Exit proposals are for staff."))

    def get_queryset(self):
        return selectors.proposals_for(self.request.user)

    @extend_schema(
        request=None,
        parameters=[COOP_SLUG],
        responses={
            201: inline_serializer("ExitProposalRun", {"proposed": serializers.IntegerField()})
        },
    )
    @action(detail=False, methods=["post"])
    def run(self, request, **kwargs):
        administrator_only(request.user)
        proposed = enforcement.propose_exits(cooperative_id=request.cooperative.pk)
        return Response({"proposed": len(proposed)}, status=status.HTTP_201_CREATED)

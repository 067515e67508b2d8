"""Objections to announced assessments, decided by staff through
``assessments.ASSESSMENT_OBJECTION``."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from coop.permissions import only
from coop.roles import is_staff
from coop.workflow_api import StepActions
from credit import selectors
from credit.api.rows import COOP_SLUG
from credit.models import (
    AssessmentObjection,
)
from credit.services import assessments


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentObjection
        fields = [
            "id",
            "assessment",
            "reason",
            "filed_at",
            "open_until",
            "decision",
            "decision_reason",
            "decided_at",
        ]
        read_only_fields = fields


@extend_schema(parameters=[COOP_SLUG])
class ObjectionViewSet(StepActions, viewsets.ReadOnlyModelViewSet):
    """Objections to announced assessments, which staff decide (``<id>/decide/`` with
    ``upheld``, ``reason`` and, for an upheld one, the ``result`` it leads to)."""

    serializer_class = ObjectionSerializer
    workflow = assessments.ASSESSMENT_OBJECTION
    filterset_fields = ["decision"]
    permission_classes = only(is_staff, gettext_lazy("Objections are decided by staff."))

    def get_queryset(self):
        return selectors.objections_for(self.request.user)

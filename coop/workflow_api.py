"""The API of declared steps: ``POST …/<id>/<verb>/`` on a viewset of a workflow's rows.

The viewset finds the row the way it finds any (its queryset, so another cooperative's row is a
404); the workflow checks who, the state and the input, and a refusal is a 409 whose
``detail`` names the step, the state and the states that allow it (``coop.api``'s handler)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from coop.workflow import Workflow

VERB = OpenApiParameter(
    "verb", str, OpenApiParameter.PATH, description="The step: one of the workflow's verbs."
)


class StepActions:
    """Mix into a viewset of ``workflow``'s model. ``step_response`` serializes what a step
    made: the row, or another row of the same kind (an override makes a new grade)."""

    workflow: Workflow = None

    def __init_subclass__(cls, **kwargs):
        # The schema tells each viewset's steps the input its workflow reads.
        super().__init_subclass__(**kwargs)
        if cls.workflow is not None and cls.workflow.input is not None:
            extend_schema_view(step=extend_schema(request=cls.workflow.input, parameters=[VERB]))(
                cls
            )

    def step_response(self, made, row):
        shown = made if isinstance(made, type(row)) else row
        if shown is row:
            shown = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer(shown).data)

    @extend_schema(parameters=[VERB])
    @action(detail=True, methods=["post"], url_path=r"(?P<verb>[a-z_]+)")
    def step(self, request, verb, **kwargs):
        row = self.get_object()
        chosen = self.workflow.step(verb)
        if chosen is None:
            raise NotFound()
        if not self.workflow.may(request.user, chosen, row):
            raise PermissionDenied(_("Your role cannot take this step."))
        given = self.workflow.input(data=request.data)
        given.is_valid(raise_exception=True)
        made = self.workflow.take(verb, row, actor=request.user, **given.validated_data)
        return self.step_response(made, row)


def step_text(label, *, required=True, line=False):
    """A text a step asks for, in a workflow's input serializer. Optional in the serializer,
    since each step reads only its own fields; the form marks it required where the step needs
    it (its body refuses it empty, naming the field)."""
    style = {"required": True} if required else {}
    if line:
        style["input"] = "line"
    return serializers.CharField(
        label=label, required=False, allow_blank=True, default="", style=style
    )

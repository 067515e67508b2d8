"""The API of declared steps: ``POST …/<id>/<verb>/`` on a viewset of a workflow's rows.

The viewset finds the row the way it finds any (its queryset, so another cooperative's row is a
404); the workflow checks who, the state and the input, and a refusal is a 409 whose
``detail`` names the step, the state and the states that allow it (``coop.api``'s handler)."""

import copy

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from coop.workflow import Workflow


class StepActions:
    """Mix into a viewset of ``workflow``'s model. ``step_response`` serializes what a step
    made: the row, or another row of the same kind (an override makes a new grade).

    The schema (``coop.schema``) documents each verb as an operation of its own,
    ``POST …/<id>/approve/``, asking for that step's fields (``step_input``)."""

    workflow: Workflow = None
    # Ids are numbers: ``…/<id>/<verb>/`` must not take in another address with a word where
    # the id goes (``members/x/events/`` is no step "events" of a member "x", but a 404).
    lookup_value_regex = r"\d+"

    @classmethod
    def schema_steps(cls):
        """(verb, workflow, step) of every step taken at this viewset's ``<id>/<verb>/``."""
        return [(s.name, cls.workflow, s) for s in cls.workflow.steps if s.takeable]

    def step_response(self, made, row):
        shown = made if isinstance(made, type(row)) else row
        if shown is row:
            shown = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer(shown).data)

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


_step_inputs = {}


def step_input(workflow, step):
    """What ``step`` asks for, as the schema documents its request: the fields of the
    workflow's input that the step reads, required where its form requires them (its body
    refuses them empty). The API validates the body with the workflow's whole input."""
    key = (workflow.name, step.name)
    if key not in _step_inputs:
        declared = workflow.input._declared_fields if workflow.input else {}
        fields = {}
        for name in step.fields:
            field = declared[name]
            # Deep copies, as DRF copies a declared field: a child field is bound to its parent.
            options = {key: copy.deepcopy(value) for key, value in field._kwargs.items()}
            style = options.get("style") or {}
            if name in step.required or style.get("required") or field.required:
                options.pop("default", None)
                options["required"] = True
                if isinstance(field, serializers.CharField):
                    options["allow_blank"] = False
            fields[name] = type(field)(*field._args, **options)
        words = f"{workflow.name}_{step.name}_step".split("_")
        name = "".join(word.title() for word in words)
        _step_inputs[key] = type(name, (serializers.Serializer,), fields)
    return _step_inputs[key]

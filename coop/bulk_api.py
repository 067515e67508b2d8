"""The API of bulk steps: ``POST …/<rows>/bulk/<verb>/`` with ``{"ids": [...], …fields}``.

The answer is a 200 whatever became of each row: ``rows`` says, per id in the order sent,
``done`` or ``refused`` with the reason (the single step's own refusal, or "not found" for an
id the caller may not reach). A body that cannot be read is a 400 naming the field; a role
that can take the step on no row at all is a 403."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coop.bulk import MAX_IDS, take_many
from coop.workflow_api import step_input

MAX_ID = 2**63 - 1


def ids_field():
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=MAX_IDS,
        help_text=f"the rows' ids, at most {MAX_IDS}",
        error_messages={
            "empty": gettext_lazy("Choose at least one row."),
            "max_length": gettext_lazy("At most {max_length} rows at a time."),
        },
    )


class OutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["done", "refused"])
    reason = serializers.CharField(help_text="why it was refused; empty when done")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="the fields a broken rule named, with their messages",
    )


class BulkAnswerSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    refused = serializers.IntegerField()
    rows = OutcomeSerializer(many=True)


_inputs = {}


def bulk_input(workflow, verb, *, fields_from=None, rows=None):
    """The body of a bulk step: ``ids`` and the fields the step ``fields_from`` asks for (the
    same for every row); with ``rows`` (a serializer class of one row's fields, with its
    ``id``), a list ``rows`` of each row's own fields instead of ``ids``."""
    key = (workflow.name, verb, fields_from, rows)
    if key not in _inputs:
        if rows is not None:
            fields = {
                "rows": rows(
                    many=True,
                    allow_empty=False,
                    max_length=MAX_IDS,
                    help_text=f"each row's id and fields, at most {MAX_IDS}",
                )
            }
            base = (serializers.Serializer,)
        else:
            fields = {"ids": ids_field()}
            chosen = workflow.step(fields_from) if fields_from else None
            base = (step_input(workflow, chosen),) if chosen else (serializers.Serializer,)
        words = f"{workflow.name}_bulk_{verb}".split("_")
        _inputs[key] = type("".join(w.title() for w in words), base, fields)
    return _inputs[key]


def answer(outcomes):
    shown = [
        {
            "id": each.id,
            "outcome": "done" if each.done else "refused",
            "reason": each.reason,
            "errors": each.errors,
        }
        for each in outcomes
    ]
    done = sum(1 for each in outcomes if each.done)
    return Response({"done": done, "refused": len(outcomes) - done, "rows": shown})


def check_role(workflow, user, verbs):
    """A 403 when ``user`` takes none of ``verbs`` on any row (an enterprise approving)."""
    for verb in verbs:
        chosen = workflow.step(verb)
        if chosen is None or workflow._party_filter(user, chosen.who) is None:
            raise PermissionDenied(_("Your role cannot take this step."))


def run(request, workflow, verb, *, rows, body, verbs=None, fields_from=None):
    """Take ``verb`` (a step's name, or a function of the row giving several: ``verbs`` names
    them for the role check) on the rows the validated ``body`` names."""
    check_role(workflow, request.user, verbs or [verb])
    if "rows" in body:
        per_row = {}
        for each in body["rows"]:
            fields = dict(each)
            per_row.setdefault(fields.pop("id"), fields)
        outcomes = take_many(
            workflow, verb, list(per_row), actor=request.user, rows=rows, per_row=per_row
        )
    else:
        given = {name: value for name, value in body.items() if name != "ids"}
        outcomes = take_many(
            workflow, verb, body["ids"], actor=request.user, rows=rows, given=given
        )
    return answer(outcomes)

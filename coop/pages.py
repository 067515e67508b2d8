"""What the portal's HTML views share: pages of a list, and service errors shown on a form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import serializers

from coop.errors import Refused
from coop.workflow import describe

PAGE_SIZE = 50


def page_of(request, rows, per_page=PAGE_SIZE, param="page"):
    """The page of ``rows`` the query string asks for (``param``: two lists on one page)."""
    return Paginator(rows, per_page).get_page(request.GET.get(param))


def save_or_report(form, save):
    """Run a service; a rule it enforces beyond the form's, or a refusal, comes back onto the
    form."""
    try:
        return save()
    except ValidationError as error:
        form.add_error(None, error)
    except Refused as refusal:
        form.add_error(None, refusal.message)
    return None


def run_step(request, step):
    """Run a one-button service; a refusal or broken rule becomes a message on the next page.
    Returns what the service returned (a row), or None when it was not done."""
    try:
        return step()
    except Refused as refusal:
        messages.error(request, refusal.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return None


def step_forms(user, workflow, row, url_of):
    """The forms of the steps ``user`` may take on ``row`` now, for ``templates/steps.html``:
    each with its step, the address it posts to (``url_of(verb)``) and the fields it asks for,
    described from the workflow's input serializer."""
    declared = workflow.input().fields if workflow.input else {}
    forms = []
    for each in workflow.due_steps(user, row):
        fields = [
            field_spec(name, declared[name], name in each.required)
            for name in each.fields
            if name in declared
        ]
        forms.append({"step": each, "url": url_of(each.name), "fields": fields})
    return forms


def field_spec(name, field, required=False):
    """How the step template draws one input: its kind, label, choices and whether the person
    must fill it (the step's ``required``; the body refuses it empty on the server too)."""
    style = getattr(field, "style", {}) or {}
    if isinstance(field, serializers.BooleanField) and style.get("input") == "checkbox":
        kind, choices = "checkbox", []
    elif isinstance(field, serializers.BooleanField):
        kind = "choice"
        choices = [("true", style.get("true", _("yes"))), ("false", style.get("false", _("no")))]
    elif isinstance(field, serializers.ChoiceField):
        kind = "choice"
        choices = [(value, label) for value, label in field.choices.items() if value != ""]
        if field.allow_blank:
            choices.insert(0, ("", "—"))
    elif isinstance(field, serializers.DateField):
        kind, choices = "date", []
    elif isinstance(field, serializers.IntegerField):
        kind, choices = "number", []
    elif isinstance(field, serializers.DictField):
        kind, choices = "custom", []
    else:
        kind, choices = style.get("input", "text"), []
    return {
        "name": name,
        "kind": kind,
        "label": field.label or name,
        "choices": choices,
        "required": bool(required or style.get("required") or field.required),
        "help": field.help_text or "",
    }


def take_from_page(request, workflow, row, verb, data):
    """Take step ``verb`` of ``workflow`` from a page's form: what it made, or None with the
    refusal or broken rule as an error message on the next page."""
    chosen = workflow.step(verb)
    if chosen is None or not workflow.may(request.user, chosen, row):
        messages.error(request, _("Your role cannot take this step."))
        return None
    given = workflow.input(data=data)
    if not given.is_valid():
        messages.error(
            request,
            " ".join(f"{given.fields[k].label or k}: {' '.join(map(str, v))}"
                     if k in given.fields else " ".join(map(str, v))
                     for k, v in given.errors.items()),
        )
        return None
    outcome = run_step(
        request,
        lambda: workflow.take(verb, row, actor=request.user, **given.validated_data),
    )
    if outcome is not None:
        messages.success(request, _("Done: %(step)s.") % {"step": chosen.label})
    return outcome


def history_of(workflow, row):
    """A row's recorded steps as ``templates/history.html`` shows them: what was done, from
    and to which state (in words), why and by whom."""
    events = list(workflow.history(row))
    for event in events:
        event.said = describe(event)
        # "from → to" only where it says more than the step's own words ("已批准" is a state).
        moved = event.to_status and event.to_status != event.from_status
        to_label = workflow.state_label(event.to_status)
        event.change = ""
        if moved and to_label != event.said:
            event.change = (
                f"{workflow.state_label(event.from_status)} → {to_label}"
                if event.from_status
                else to_label
            )
    return events

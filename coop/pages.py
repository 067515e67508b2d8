"""What the portal's HTML views share: pages of a list, and service errors shown on a form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import serializers

from coop import reasons
from coop.errors import Refused
from coop.roles import is_staff
from coop.workflow import describe

PAGE_SIZE = 50

# A date field of a form. The browser's date input reads only an ISO date: a value written in
# the language's format (2026/11/27 in Chinese) showed an empty field, and an edit form saved
# without its date was refused or lost it.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def asked_member(request):
    """``?member=<id>`` (a link from a member's record) for staff, else None: a list narrowed
    to the member. Only ASCII digits that fit an id count ("²" is a digit to Python, and
    ``int()`` of it raised)."""
    raw = request.GET.get("member", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 12 and is_staff(request.user):
        return int(raw)
    return None


def page_of(request, rows, per_page=PAGE_SIZE, param="page"):
    """The page of ``rows`` the query string asks for (``param``: two lists on one page)."""
    return Paginator(rows, per_page).get_page(request.GET.get(param))


def page_links(query, page, param="page"):
    """The links of ``templates/pagination.html``: previous, the page numbers elided around the
    current one (1 … 4 5 6 … 20) and next, each keeping the other parameters of the query
    string (a list's filters). A gap is ``{"gap": True}``; the current page has no ``url``."""
    others = query.copy()
    others.pop(param, None)

    def url(number):
        others[param] = number
        return "?" + others.urlencode()

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
        "numbers": [
            {"gap": True}
            if number == page.paginator.ELLIPSIS
            else {"number": number, "url": "" if number == page.number else url(number)}
            for number in numbers
        ],
    }


def save_or_report(form, save):
    """Run a service; a rule it enforces beyond the form's, or a refusal, comes back onto the
    form."""
    try:
        return save()
    except ValidationError as error:
        form.add_error(None, onto(form, error))
    except Refused as refusal:
        form.add_error(None, refusal.message)
    return None


def onto(form, error):
    """The service's error as this form can hold it: an error on a field the form does not
    show (a rule on ``paid_by_member`` when the form has no such box) goes above the form,
    still saying what it is about, rather than failing the page."""
    if not hasattr(error, "error_dict") or set(error.error_dict) <= set(form.fields) | {
        NON_FIELD_ERRORS
    }:
        return error
    shown = {}
    for field, errors in error.error_dict.items():
        key = field if field in form.fields else NON_FIELD_ERRORS
        shown.setdefault(key, []).extend(errors)
    return ValidationError(shown)


def run_step(request, step, verb=""):
    """Run a one-button service; a refusal or broken rule becomes an error message on the next
    page. Returns what the service returned (a row), or None when it was not done. ``verb``
    tags the message so ``templates/steps.html`` shows it again beside that step's form."""
    tags = step_tag(verb)
    try:
        return step()
    except Refused as refusal:
        messages.error(request, refusal.message, extra_tags=tags)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages), extra_tags=tags)
    return None


def step_tag(verb):
    """The message tag of a refusal of step ``verb`` (matched in ``templates/steps.html``)."""
    return f"step-{verb}" if verb else ""


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
        forms.append(
            {
                "step": each,
                "url": url_of(each.name),
                "fields": fields,
                "tag": step_tag(each.name),
                "multipart": any(field["kind"] == "files" for field in fields),
                "consequence": consequence_of(each, row) if each.destructive else "",
            }
        )
    return forms


CONFIRM_FIELD = "confirm"


def consequence_of(step, row):
    """What taking destructive ``step`` on ``row`` will do, said beside its "I understand" box:
    the step's own ``consequence`` (counted by the service), else that it cannot be undone."""
    if step.consequence is not None:
        return step.consequence(row)
    return _("%(step)s cannot be undone.") % {"step": step.label}


def confirmed(data):
    """Whether a page's form ticked the "I understand" box of a destructive step."""
    return str(data.get(CONFIRM_FIELD, "")).lower() in {"true", "on", "1", "yes"}


def refuse_unconfirmed(request, label, tag=""):
    """The refusal of a destructive step posted without its box ticked; names the field."""
    messages.error(
        request,
        _('%(field)s: tick "I understand" to %(step)s; nothing was changed.')
        % {"field": CONFIRM_FIELD, "step": label},
        extra_tags=tag,
    )


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
    elif isinstance(field, serializers.ListField) and isinstance(
        field.child, serializers.FileField
    ):
        kind, choices = "files", []  # several files, sent with the form (multipart)
    else:
        kind, choices = style.get("input", "text"), []
    return {
        "name": name,
        "kind": kind,
        "label": field.label or name,
        "choices": choices,
        "required": bool(required or style.get("required") or field.required),
        "help": field.help_text or "",
        "accept": style.get("accept", ""),
    }


def take_from_page(request, workflow, row, verb, data):
    """Take step ``verb`` of ``workflow`` from a page's form: what it made, or None with the
    refusal or broken rule as an error message on the next page."""
    chosen = workflow.step(verb)
    if chosen is None or not workflow.may(request.user, chosen, row):
        messages.error(request, _("Your role cannot take this step."), extra_tags=step_tag(verb))
        return None
    # A page asks before a step that cannot be undone (the API does not: its caller decided).
    # A step the row's state does not allow is refused for that instead, the clearer reason.
    state = getattr(row, workflow.state_field)
    if chosen.destructive and chosen.starts_from(state) and not confirmed(data):
        refuse_unconfirmed(request, chosen.label, step_tag(verb))
        return None
    given = workflow.input(data=data)
    if not given.is_valid():
        messages.error(
            request,
            " ".join(
                f"{given.fields[k].label or k}: {' '.join(map(str, v))}"
                if k in given.fields
                else " ".join(map(str, v))
                for k, v in given.errors.items()
            ),
            extra_tags=step_tag(verb),
        )
        return None
    outcome = run_step(
        request,
        lambda: workflow.take(verb, row, actor=request.user, **given.validated_data),
        verb,
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
        # A reason the portal gave is kept as a code; words in the reader's language.
        event.reason = reasons.said((event.details or {}).get("reason_code"), event.reason)
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

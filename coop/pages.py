"""What the portal's HTML views share: pages of a list, and service errors shown on a form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.steps import allowed, take
from members.services.errors import Refused

PAGE_SIZE = 50


def page_of(request, rows, per_page=PAGE_SIZE, param="page"):
    """The page of ``rows`` the query string asks for (``param``: two lists on one page)."""
    return Paginator(rows, per_page).get_page(request.GET.get(param))


def asked_year(params):
    """The ``year`` a query string asks for, this year by default."""
    year = params.get("year", "")
    return int(year) if year.isdigit() else timezone.localdate().year


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


def take_on_page(request, row, step, given):
    """Take a step of a step table (coop/steps.py) from a page's form, ``given`` its input
    serializer: what the step made, or None with the reason as a message."""
    if step is None or not allowed(request.user, step.who, row):
        messages.error(request, _("Your role cannot take this step."))
        return None
    if not given.is_valid():
        messages.error(request, " ".join(f"{k}: {' '.join(v)}" for k, v in given.errors.items()))
        return None
    outcome = run_step(request, lambda: take(step, row, request.user, given.validated_data))
    if outcome is not None:
        messages.success(request, _("Done: %(step)s.") % {"step": step.label})
    return outcome

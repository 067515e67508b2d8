"""What the portal's HTML views share: pages of a list, and service errors shown on a form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

from members.services.errors import Refused

PAGE_SIZE = 50


def page_of(request, rows, per_page=PAGE_SIZE, param="page"):
    """The page of ``rows`` the query string asks for (``param``: two lists on one page)."""
    return Paginator(rows, per_page).get_page(request.GET.get(param))


def save_or_report(form, save):
    """Run a service; a rule it enforces beyond the form's comes back onto the form."""
    try:
        return save()
    except ValidationError as error:
        form.add_error(None, error)
        return None


def run_step(request, step):
    """Run a one-button service; a refusal or broken rule becomes a message on the next page.
    Returns whether it was done."""
    try:
        step()
    except Refused as refusal:
        messages.error(request, refusal.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        return True
    return False

"""Pages about accounts beyond Django's own login and password pages: a cooperative's
administrator sees which of its accounts have failed logins counted, and unlocks them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coop.access import role_required
from coop.logins import failed_logins_of, unlock_account
from coop.roles import is_administrator


@role_required(is_administrator)
def locked_accounts(request, coop_slug):
    """The cooperative's accounts with failed logins; a POST of ``username`` unlocks one.

    The scope middleware has already answered 404 to anyone who may not see this cooperative;
    an account of another cooperative is a 404 here too."""
    cooperative = request.cooperative
    if request.method == "POST":
        user = unlock_account(
            cooperative=cooperative, username=request.POST.get("username", ""), actor=request.user
        )
        if user is None:
            raise Http404
        messages.success(request, _("%(username)s can log in again.") % {"username": user.username})
        return redirect("locked-accounts", coop_slug=cooperative.slug)
    return render(
        request,
        "coop/locked_accounts.html",
        {"cooperative": cooperative, "accounts": failed_logins_of(cooperative)},
    )

"""Failed logins: the answer to a locked-out account or address, and staff's unlock.

django-axes counts failed logins on every path that authenticates with a password (the login
page, the admin's and the API's token endpoint) per account and per client address
(``coop.clients.client_address``), and refuses either once it has ``AXES_FAILURE_LIMIT``
failures within ``AXES_COOLOFF_TIME`` of its last one. Its middleware then answers with
``lockout_response``. A superuser lifts any lock in the admin (its "access attempts"); a
cooperative administrator lifts the lock of an account of its own cooperative
(``unlock_account``, from the page ``coop.account_views.locked_accounts``).
"""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from coop.models import AuditRecord, User


def lockout_response(request, original_response=None, credentials=None):
    """What a refused login gets: a page, or a JSON 429 under ``/api/``, each saying how long
    to wait and who can unlock sooner, with ``Retry-After`` in seconds."""
    seconds = seconds_left(request, credentials)
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many failed logins for this account or from your address. Try again in "
        "%(minutes)d minute, or ask your cooperative's administrator (for an administrator's "
        "account, the portal's superuser) to unlock it.",
        "Too many failed logins for this account or from your address. Try again in "
        "%(minutes)d minutes, or ask your cooperative's administrator (for an administrator's "
        "account, the portal's superuser) to unlock it.",
        minutes,
    ) % {"minutes": minutes}
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        context = {"message": message, "minutes": minutes}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def seconds_left(request, credentials=None):
    """Seconds until every count that locks this request has aged past the cool-off: the
    latest failure of a locked account or address, plus the cool-off, from now."""
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    ends = []
    for attempts in AxesProxyHandler.get_implementation().get_user_attempts(request, credentials):
        counted = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (counted["failures"] or 0) >= limit:
            ends.append(counted["last"] + cool_off)
    if not ends:  # unlocked in the meantime, or counted elsewhere: promise the full wait
        return int(cool_off.total_seconds())
    return max(1, math.ceil((max(ends) - timezone.now()).total_seconds()))


def accounts_of(cooperative):
    """The accounts a cooperative's administrator answers for: its administrators and its
    member units' enterprise users (region supervisors and labs span cooperatives)."""
    return User.objects.filter(Q(cooperative=cooperative) | Q(member__cooperative=cooperative))


def failed_logins_of(cooperative):
    """The cooperative's accounts with failed logins still counted, the latest first: each with
    ``username``, ``name``, ``failures``, ``last`` and ``locked``."""
    since = timezone.now() - get_cool_off()
    counted = list(
        AccessAttempt.objects.filter(
            username__in=accounts_of(cooperative).values("username"), attempt_time__gte=since
        )
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last", "username")
    )
    users = User.objects.filter(username__in=[row["username"] for row in counted])
    names = {user.username: user.get_full_name() for user in users}
    for row in counted:
        row["name"] = names.get(row["username"], "")
        row["locked"] = row["failures"] >= settings.AXES_FAILURE_LIMIT
    return counted


def unlock_account(*, cooperative, username, actor):
    """Clear every failed login counted against ``username``, an account of ``cooperative``;
    None when it is not one of them (so another cooperative's accounts stay out of reach)."""
    user = accounts_of(cooperative).filter(username=username).first()
    if user is None:
        return None
    with transaction.atomic():
        cleared = reset(username=user.username)
        AuditRecord.objects.create(
            cooperative=cooperative,
            actor=actor,
            action="unlock_account",
            object_type=User._meta.label_lower,
            object_id=user.pk,
            changes={"failed_logins_cleared": cleared},
        )
    return user

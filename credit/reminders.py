"""The reminder that a published commitment runs out: mailed to the member's users 30 days
before its last day, once per commitment. The member's home shows the same commitments as
something to do (``supervision.inbox``, "Commitments expiring within 30 days")."""

import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.models import User
from credit.models import Commitment

REMIND_DAYS = 30


def expiring(cooperative_id, today):
    """Published commitments in force whose last day is at most ``REMIND_DAYS`` away, not yet
    reminded. A day the task did not run is caught up the next; a withdrawn or expired
    commitment is never reminded."""
    return Commitment.objects.filter(
        cooperative_id=cooperative_id,
        status=Commitment.Status.PUBLISHED,
        valid_from__lte=today,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=REMIND_DAYS),
        expiry_reminded_at=None,
    )


def remind_expiring(*, cooperative_id, today=None):
    """Mail each expiring commitment's member once. The commitments are claimed before the
    mail goes, in one transaction: a second run at once waits on their rows and then finds
    them reminded; a send that fails rolls the claim back, for the next run. Returns the
    number of commitments reminded."""
    today = today or timezone.localdate()
    with transaction.atomic():
        rows = list(
            expiring(cooperative_id, today)
            .select_for_update(of=("self",))
            .select_related("member__cooperative")
            .order_by("valid_until", "pk")
        )
        if not rows:
            return 0
        Commitment.objects.filter(pk__in=[row.pk for row in rows]).update(
            expiry_reminded_at=timezone.now()
        )
        addresses = {}
        for member, email in (
            User.objects.filter(member__in={row.member_id for row in rows}, is_active=True)
            .exclude(email="")
            .values_list("member_id", "email")
        ):
            addresses.setdefault(member, []).append(email)
        send_mass_mail(
            [
                (*message(row, today), settings.DEFAULT_FROM_EMAIL, addresses[row.member_id])
                for row in rows
                if row.member_id in addresses
            ],
            fail_silently=False,
        )
    return len(rows)


def message(commitment, today):
    """The subject and text of one reminder."""
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "commitment-detail", args=[commitment.member.cooperative.slug, commitment.pk]
    )
    facts = {
        "ref": commitment.pk,
        "products": commitment.products,
        "until": commitment.valid_until.isoformat(),
        "days": (commitment.valid_until - today).days,
        "url": url,
    }
    subject = _("Your quality commitment for %(products)s runs out on %(until)s") % facts
    body = (
        _(
            "Your quality commitment no. %(ref)s for %(products)s is valid until %(until)s "
            "(%(days)s days left). To stay in the public registry, draft a new commitment for "
            "these products and say it replaces no. %(ref)s; staff publish it after review.\n\n"
            "%(url)s"
        )
        % facts
    )
    return subject, body

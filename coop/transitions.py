"""Recorded status transitions of any tenant row: lock it, check its status allows the step,
and refuse, naming the step and the status, when it does not."""

from django.utils.translation import gettext as _

from coop import audit
from members.services.errors import Refused


def locked(instance, *allowed, action, related=()):
    """``instance`` read again under a row lock, if its status allows ``action``."""
    rows = type(instance).objects.select_for_update()
    if related:
        rows = rows.select_related(*related)
    fresh = rows.get(pk=instance.pk)
    if fresh.status not in allowed:
        raise Refused(
            _("Cannot %(action)s: it is %(status)s.")
            % {"action": action, "status": fresh.get_status_display()}
        )
    return fresh


def move(row, status, actor, action, reason="", fields=()):
    """Set the status (and ``fields``) and record the step as audit ``action``."""
    row.status = status
    row.save(update_fields=["status", *fields])
    audit.record(instance=row, actor=actor, action=action, reason=reason)
    return row

"""Bulk steps on member units (``coop.bulk``): staff admit several applications at once.

"Admit" is what staff mean when a pile of applications has been checked on paper: each
application is brought to "approved", the state in which the unit is invited to sign the
convention (signing makes it active; nobody activates a unit that has not signed). One that is
still "applied" is first put under review and then approved, both recorded as the single steps
would record them, in one transaction: the row ends approved or is left as it was. One under
review is approved. Any other state is refused with the approve step's own refusal ("only one
that is under review"). Rejections stay one at a time: each needs its own reason."""

from coop.bulk import take_many
from members.models import Member
from members.services.lifecycle import MEMBER

ADMIT_STEPS = ("review", "approve")


def admit_steps(member):
    """The steps that bring ``member`` to approved, as read before its lock; the steps check
    again under the lock, so a unit changed meanwhile is refused, naming its state."""
    if member.status == Member.Status.APPLIED:
        return list(ADMIT_STEPS)
    return ["approve"]


def admit_many(*, ids, actor, rows=None):
    return take_many(MEMBER, admit_steps, ids, actor=actor, rows=rows)

"""Bulk steps: one declared step (``coop.workflow``) taken on several rows at once.

Each row is taken on its own, through ``Workflow.take``, in a transaction of its own (a
savepoint inside an outer one): a row the step refuses is left as it was, with the same refusal
the single step gives, and the rows before and after it are done all the same. An id that is
not among the rows the caller may see (another cooperative's, another lab's, or none at all) is
answered "not found" and nothing is read of it beyond that.

The rows are read in one query; each row then costs what its single step costs (a lock, the
step's own reads and writes, its event), so a bulk of 500 costs a constant plus 500 times one
step, never more per row as the number grows.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop.errors import Refused

# How many rows one request may name. A page offers fifty at a time; a client may send more
# but not without bound: one request holds one worker for every row it names.
MAX_IDS = 500


@dataclass
class Outcome:
    """What became of one row: done, or refused with the reason (``errors``: the fields a
    rule named, with their messages, where the refusal was a broken rule)."""

    id: int
    done: bool
    reason: str = ""
    row: object = None  # the row as found (for its name on a page); None when not found
    errors: dict = field(default_factory=dict)

    @property
    def refused(self):
        return not self.done


def checked_ids(ids, *, name="ids"):
    """The ids a request names, as whole numbers, each once, in the order given; a
    ``ValidationError`` naming ``name`` when they are not a non-empty list of at most
    ``MAX_IDS`` whole numbers."""
    if not isinstance(ids, (list, tuple)) or not ids:
        raise ValidationError({name: _("Choose at least one row.")})
    if len(ids) > MAX_IDS:
        raise ValidationError(
            {
                name: _("At most %(max)d rows at a time; %(count)d were sent.")
                % {"max": MAX_IDS, "count": len(ids)}
            }
        )
    seen = {}
    for each in ids:
        try:
            number = int(str(each).strip())
        except ValueError:
            number = None
        if number is None or number < 1 or number > 2**63 - 1 or isinstance(each, bool):
            raise ValidationError({name: _("“%(id)s” is not a row's number.") % {"id": each}})
        seen.setdefault(number, None)
    return list(seen)


def reason_of(error):
    """A broken rule as one sentence, and its fields with their messages."""
    if hasattr(error, "error_dict"):
        errors = {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
        return " ".join(m for messages in errors.values() for m in messages), errors
    return " ".join(str(m) for m in error.messages), {}


def take_many(workflow, verb, ids, *, actor, rows=None, given=None, per_row=None):
    """Take ``verb`` of ``workflow`` on each row of ``ids`` as ``actor``: a list of
    ``Outcome``, one per id, in the order given.

    ``rows`` are the rows the caller may reach (by default every row of the scope): an id
    outside them is refused as not found. ``given`` are the fields the step asks for, the same
    for every row; ``per_row`` ({id: fields}) adds each row's own (a sampling's seal number).
    ``verb`` may be a function of the row giving the steps to take one after the other, in
    one transaction (an application reviewed, then approved: ``members``' "admit")."""
    ids = checked_ids(list(ids))
    rows = workflow.model.objects.all() if rows is None else rows
    found = rows.in_bulk(ids)
    given = given or {}
    per_row = per_row or {}
    outcomes = []
    for pk in ids:
        row = found.get(pk)
        if row is None:
            outcomes.append(
                Outcome(pk, False, _("Not found: no such row among those you may change."))
            )
            continue
        verbs = verb(row) if callable(verb) else [verb]
        fields = {**given, **per_row.get(pk, {})}
        try:
            if len(verbs) == 1:  # the step is a transaction of its own (a savepoint in one)
                workflow.take(verbs[0], row, actor=actor, **fields)
            else:
                with transaction.atomic():
                    for each in verbs:
                        workflow.take(each, row, actor=actor, **fields)
        except Refused as refusal:
            outcomes.append(Outcome(pk, False, str(refusal.message), row))
        except ValidationError as error:
            reason, errors = reason_of(error)
            outcomes.append(Outcome(pk, False, reason, row, errors))
        else:
            outcomes.append(Outcome(pk, True, "", row))
    return outcomes


def summary(outcomes):
    """How many rows were done and how many refused."""
    done = sum(1 for each in outcomes if each.done)
    return {"done": done, "refused": len(outcomes) - done}

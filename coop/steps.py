"""Steps on a row (approve a batch, publish a commitment …) as the API and the pages offer
them: the service that takes the step, who may, what it asks for, and when it is due. The
services decide; ``due`` only chooses which forms a page shows, and a step taken when it is
not due is refused by its service with the reason."""

from dataclasses import dataclass

from coop.access import may_administer
from coop.models import Role
from coop.owned import is_enterprise


def never(row):
    return False


def status_in(*statuses):
    return lambda row: row.status in statuses


@dataclass(frozen=True)
class Step:
    service: object
    who: str  # "staff", "member", "lab", or "checker" (the row's lab or an administrator)
    label: str
    fields: tuple = ()
    due: object = never
    target: str = "batch"  # the service's keyword for the row


def allowed(user, who, row):
    lab = user.role == Role.LAB_TECHNICIAN and user.institution_id == getattr(row, "lab_id", None)
    if who == "staff":
        return may_administer(user)
    if who == "member":
        return is_enterprise(user) and user.member_id == row.member_id
    if who == "checker":
        return lab or may_administer(user)
    return lab


def due_steps(user, row, steps):
    """The steps this user may take on the row now, in the table's order."""
    return [verb for verb, step in steps.items() if allowed(user, step.who, row) and step.due(row)]


def take(step, row, actor, given):
    """Run the step's service with the input it asks for."""
    return step.service(
        **{step.target: row}, actor=actor, **{name: given[name] for name in step.fields}
    )

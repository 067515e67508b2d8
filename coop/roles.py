"""Who a user is, in one vocabulary for every app.

- an *administrator* changes a cooperative's data (a cooperative administrator, or a superuser);
- a *supervisor* of the region reads every cooperative of it and changes nothing;
- *staff* are both: the bureau's people who oversee members (they read staff pages);
- an *enterprise* user acts for its own member unit;
- a *lab* technician acts for its testing institution.

Steps of the workflows (``coop.workflow``) name who takes them with ``Party``: the
administrator, the row's member unit, or the row's lab.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from coop.models import Role


class Party(models.TextChoices):
    """Who takes a step on a row."""

    ADMINISTRATOR = "administrator", _("a cooperative administrator")
    MEMBER = "member", _("the member unit")
    LAB = "lab", _("the batch's lab")


def is_administrator(user):
    """May change a cooperative's data (supervisors only read)."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.COOP_ADMIN)


def is_supervisor(user):
    return user.is_authenticated and user.role == Role.REGION_SUPERVISOR


def is_staff(user):
    """The bureau's people who oversee members: administrators and region supervisors."""
    return is_administrator(user) or is_supervisor(user)


def is_enterprise(user):
    return user.is_authenticated and user.role == Role.ENTERPRISE


def is_staff_or_enterprise(user):
    """Staff, or a member unit's account: who reads a cooperative's records that a member
    sees its own rows of (tests, complaints, questions, export alerts, IP requests)."""
    return is_staff(user) or is_enterprise(user)


def is_member_unit(user):
    """An enterprise account tied to its member unit (an applicant's account is not yet)."""
    return is_enterprise(user) and bool(user.member_id)


def is_administrator_or_member_unit(user):
    """Who makes a member's own records of a programme (export products, benchmarking
    declarations): an administrator for any member, a member unit's account for its own."""
    return is_administrator(user) or is_member_unit(user)


def is_lab(user):
    return user.is_authenticated and user.role == Role.LAB_TECHNICIAN

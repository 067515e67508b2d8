"""Adding a lab (a testing institution) to the portal's shared list, so that a region
supervisor can choose it when onboarding a cooperative without Django's admin.

Labs are reference data shared by every region (one institution tests for cooperatives of
several), so no audit record is written: ``coop.audit`` records belong to a cooperative.
Which cooperatives a lab serves is set by onboarding and by the cooperative's administrator."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop.roles import is_supervisor
from testing_fund.models import TestingInstitution


def may_add_lab(user):
    """Region supervisors and superusers keep the list; a lab, a cooperative or a member may
    not add to what every region sees."""
    return user.is_authenticated and (user.is_superuser or is_supervisor(user))


@transaction.atomic
def add_lab(*, actor, name_zh, name_en="", accreditation="", contact="", turnaround_days=7):
    """Create a lab. Its Chinese name is how onboarding (``--lab``) and ``set_up_region`` find
    it, so a second lab of the same name is refused."""
    if not may_add_lab(actor):
        raise PermissionDenied(_("Only a region supervisor adds labs."))
    lab = TestingInstitution(
        name_zh=(name_zh or "").strip(),
        name_en=(name_en or "").strip(),
        accreditation=(accreditation or "").strip(),
        contact=(contact or "").strip(),
        turnaround_days=turnaround_days,
    )
    lab.full_clean()
    # Locks nothing: two supervisors adding the same name at once is as unlikely as harmless.
    if TestingInstitution.objects.filter(name_zh=lab.name_zh).exists():
        raise ValidationError(
            {"name_zh": _("A lab named %(name)s is listed already.") % {"name": lab.name_zh}}
        )
    lab.save()
    return lab

"""Adding a lab (a testing institution) to the portal's shared list, so that a region
supervisor can choose it when onboarding a cooperative without Django's admin.

Labs are reference data shared by every region (one institution tests for cooperatives of
several), so no audit record is written: ``coop.audit`` records belong to a cooperative.
Which cooperatives a lab serves is set by onboarding and by the cooperative's administrator."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop.roles import is_supervisor
from testing_fund.models import AccreditedMethod, TestingInstitution


def may_add_lab(user):
    """Region supervisors and superusers keep the list; a lab, a cooperative or a member may
    not add to what every region sees."""
    return user.is_authenticated and (user.is_superuser or is_supervisor(user))


@transaction.atomic
def add_lab(
    *, actor, name_zh, name_en="", accreditation="", contact="", address="", turnaround_days=7
):
    """Create a lab. Its Chinese name is how onboarding (``--lab``) and ``set_up_region`` find
    it, so a second lab of the same name is refused."""
    if not may_add_lab(actor):
        raise PermissionDenied(_("Only a region supervisor adds labs."))
    lab = TestingInstitution(
        name_zh=(name_zh or "").strip(),
        name_en=(name_en or "").strip(),
        accreditation=(accreditation or "").strip(),
        contact=(contact or "").strip(),
        address=(address or "").strip(),
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


# The lab's accreditation scope (资质认定范围): the indicators it is accredited to test, each by
# one method standard. The CMA mark is granted by the market regulation authorities, so the
# region's bureau keeps the scope, not the lab itself (whose reports it governs) nor a
# cooperative (which the lab tests for). A lab is shared by regions: a supervisor keeps the scope
# of a lab that serves a cooperative of their region, or of one that serves none yet.


def may_keep_scope(user, lab):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not is_supervisor(user):
        return False
    served = lab.cooperatives.values_list("region_id", flat=True)
    return not served.exists() or served.filter(region_id=user.region_id).exists()


def check_keeper(actor, lab):
    if not may_keep_scope(actor, lab):
        raise PermissionDenied(
            _("Only the bureau of a region %(lab)s serves keeps its accreditation scope.")
            % {"lab": lab.name_zh}
        )


@transaction.atomic
def add_scope_line(*, actor, lab, indicator, method=None):
    """The lab is accredited to test ``indicator`` by ``method`` (its catalogue method when
    none is given). A line already in the scope is refused, naming it."""
    check_keeper(actor, lab)
    method = method or indicator.method
    if method is None:
        raise ValidationError(
            {
                "method": _(
                    "The catalogue names no method for %(indicator)s: choose the method standard."
                )
                % {"indicator": indicator.name}
            }
        )
    TestingInstitution.objects.select_for_update().filter(pk=lab.pk).first()
    if AccreditedMethod.objects.filter(
        institution=lab, indicator=indicator, method=method
    ).exists():
        raise ValidationError(
            {
                "indicator": _("%(indicator)s by %(method)s is in the scope already.")
                % {"indicator": indicator.name, "method": method.code}
            }
        )
    return AccreditedMethod.objects.create(institution=lab, indicator=indicator, method=method)


@transaction.atomic
def remove_scope_line(*, actor, line):
    check_keeper(actor, line.institution)
    line.delete()

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.celery import tenant_task
from coop.models import Cooperative
from standards.models import Standard
from testing_fund.models import SamplingRound, TestingInstitution
from testing_fund.reports import issue_test_report
from testing_fund.sampling_sheets import issue_sampling_sheet
from testing_fund.services.rounds import notify, preview_round

__all__ = [
    "issue_sampling_sheet",
    "issue_test_report",
    "plan_round",
    "send_round_notices",
]  # every task of the app, as Celery finds them


@tenant_task
def plan_round(cooperative_id, lab_id=None, standard_id=None, coverage="0.10"):
    """The schedule's quarterly run: a round to preview and confirm, one a quarter. A rerun
    (its worker was lost, or the schedule sent it twice) finds the round already made. A
    schedule still waiting for a lab or a standard fails, saying so, rather than doing nothing."""
    if lab_id is None or standard_id is None:
        raise ValueError(_("The sampling round schedule has no lab or standard yet."))
    today = timezone.localdate()
    name = _("Supervisory sampling %(year)d Q%(quarter)d") % {
        "year": today.year,
        "quarter": (today.month - 1) // 3 + 1,
    }
    with transaction.atomic():
        # Two runs at once take turns on the cooperative's row; the second finds the first's.
        cooperative = Cooperative.objects.select_for_update().get(pk=cooperative_id)
        made = SamplingRound.objects.filter(name=name).order_by("pk").first()
        if made is not None:
            return made.pk
        sampling_round = preview_round(
            cooperative=cooperative,
            actor=None,
            name=name,
            coverage=Decimal(coverage),
            lab=TestingInstitution.objects.get(pk=lab_id),
            standard=Standard.objects.get(pk=standard_id),
        )
    return sampling_round.pk


@tenant_task
def send_round_notices(cooperative_id, round_id):
    """Mail a confirmed round's sampled members and its lab (``rounds.notify``). A rerun after
    a worker was lost mails them again, which tells them nothing new."""
    sampling_round = SamplingRound.objects.defer("inputs", "selection").filter(pk=round_id).first()
    if sampling_round is not None:
        notify(sampling_round)

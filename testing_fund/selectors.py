from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, Count, F, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.periods import asked_year
from coop.roles import is_enterprise, is_lab, is_staff
from members.models import Member
from testing_fund.models import UNDER_WAY, Batch, Rectification, Result

Status = Batch.Status


def batches_for(user):
    """Batches of the scope the user may see: staff all, an enterprise its own, a lab its own."""
    results = Prefetch("results", queryset=Result.objects.select_related("indicator"))
    rows = Batch.objects.select_related("standard", "lab").prefetch_related(results)
    if is_staff(user):
        return rows
    if is_enterprise(user):
        return rows.filter(member=user.member_id)
    if is_lab(user):
        return rows.filter(lab=user.institution_id)
    return rows.none()


def batch_visible(user, batch_id):
    """Whether ``user`` may see batch ``batch_id`` (and the files attached to it)."""
    return batches_for(user).filter(pk=batch_id).exists()


def rectification_visible(user, rectification_id):
    """Whether ``user`` may see the rectification notice (and its answer's evidence)."""
    rows = batches_for(user).values("pk")
    return Rectification.objects.filter(pk=rectification_id, batch__in=rows).exists()


def with_priority(batches):
    """The approval order: new members (joined within a year) and raw-material members first,
    as the fund's rules give them priority; one point each."""
    year_ago = timezone.localdate() - timedelta(days=365)
    point = Value(1)
    return batches.annotate(
        priority=(
            Case(When(member__joined_on__gte=year_ago, then=point), default=Value(0))
            + Case(
                When(member__chain_role=Member.ChainRole.RAW_MATERIAL, then=point), default=Value(0)
            )
        )
    )


def filtered(rows, params):
    """Batches narrowed by what a link or form asks: ``status``, ``round``, ``year`` (the
    report's), the member's ``town`` and ``chain_role``, ``passed`` (true/false), and
    ``indicator`` (a failed result on that indicator: the problem map's cells)."""
    if params.get("status") in Batch.Status.values:
        rows = rows.filter(status=params["status"])
    if params.get("round", "").isdigit():
        rows = rows.filter(sampling_round=params["round"])
    year = asked_year(params, default=None)
    if year is not None:
        rows = rows.filter(reported_on__year=year)
    if params.get("town"):
        rows = rows.filter(member__town=params["town"])
    if params.get("chain_role") in Member.ChainRole.values:
        rows = rows.filter(member__chain_role=params["chain_role"])
    if params.get("passed") in ("true", "false"):
        rows = rows.filter(passed=params["passed"] == "true")
    if params.get("indicator"):
        rows = rows.filter(results__indicator__code=params["indicator"], results__verdict="fail")
    return rows


# Worklists: which batches a list shows by ``?state=``. The names are addresses that other
# pages link to (the role homes' inboxes): keep them stable.


@dataclass(frozen=True)
class State:
    name: str
    label: str
    statuses: tuple = ()  # empty: every status
    overdue: bool = False  # only batches past their due date
    by_due: bool = True  # earliest due first (overdue on top); else newest request first

    def rows(self, batches):
        if self.statuses:
            batches = batches.filter(status__in=self.statuses)
        if self.overdue:
            batches = batches.filter(overdue_filter())
        if self.by_due:
            # Overdue batches have the earliest due dates, so they come first; a batch without
            # a due date (a sample not received yet, and none typed) after every dated one.
            return batches.order_by(F("due_on").asc(nulls_last=True), "requested_at", "pk")
        return batches.order_by("-requested_at", "-pk")

    def count(self):
        """This state's count as one aggregate of a single query (``state_counts``)."""
        condition = Q(status__in=self.statuses) if self.statuses else Q()
        if self.overdue:
            condition &= overdue_filter()
        return Count("pk", filter=condition) if condition else Count("pk")


def overdue_filter():
    return Q(due_on__lt=timezone.localdate(), status__in=UNDER_WAY)


# The lab's work: receive the sealed sample, enter the readings, verify another's entry.
LAB_OPEN = (Status.SAMPLED, Status.RECEIVED, Status.ENTERED)
LAB_STATES = (
    State("open", _("To do"), LAB_OPEN),
    State("to_receive", _("To receive"), (Status.SAMPLED,)),
    State("to_enter", _("Results to enter"), (Status.RECEIVED,)),
    State("to_verify", _("To verify"), (Status.ENTERED,)),
    State("overdue", _("Overdue"), LAB_OPEN, overdue=True),
    State(
        "closed",
        _("Done at the lab"),
        (Status.VERIFIED, Status.REPORTED, Status.CLOSED),
        by_due=False,
    ),
    State("all", _("All"), by_due=False),
)
# The cooperative's: every batch not yet reported, rejected or cancelled.
STAFF_STATES = (
    State("open", _("Open"), tuple(UNDER_WAY)),
    State("overdue", _("Overdue"), tuple(UNDER_WAY), overdue=True),
    State(
        "closed",
        _("Closed"),
        (Status.REPORTED, Status.CLOSED, Status.REJECTED, Status.CANCELLED),
        by_due=False,
    ),
    State("all", _("All"), by_due=False),
)
# Parameters that narrow a list to something asked for (a status, a figure of the statistics or
# the problem map): a link with one of them means every batch of it, open or closed.
NARROWING = ("status", "round", "year", "town", "chain_role", "passed", "indicator")


def worklist_state(states, params, default="open"):
    """The state a list shows: the one ``?state=`` names; without it, ``default`` unless the
    link narrows the list by something else, then all. An unknown name is the default."""
    by_name = {state.name: state for state in states}
    asked = params.get("state", "")
    if asked in by_name:
        return by_name[asked]
    if asked == "" and any(params.get(name) for name in NARROWING):
        return by_name["all"]
    return by_name[default]


def state_counts(states, batches):
    """How many batches each state holds, in one query: the numbers on the list's tabs."""
    return batches.order_by().aggregate(**{state.name: state.count() for state in states})

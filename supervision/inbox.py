"""What waits for each person: the home (工作台) of every role, and ``GET /api/v1/me/inbox/``.

One function per role returns plain data: ``Inbox`` with its ``groups``, each a kind of work
with its count, its first rows (label, due date, days left, address) and the address of the
whole list, filtered. The page and the API read the same data, so they cannot disagree.

The rows come from the workflows' declarations (``Workflow.due_for``): what a step is due on is
said once, in the service module that takes it, and not again here. Each group is one query,
whatever the number of rows: its count is a window over the whole set (``COUNT(*) OVER ()``)
read from the first row of the few fetched. Everything runs in the request's tenant scope, so
another cooperative's work cannot appear.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from benchmarking.services.declarations import DECLARATION as BENCHMARK_DECLARATION
from brands.services.design_reviews import DESIGN_REVIEW
from brands.services.infringements import INFRINGEMENT
from consultation.services import QUESTION
from coop.access import cooperative_ids_for
from coop.models import Cooperative, Objection
from coop.roles import is_administrator, is_enterprise, is_lab, is_supervisor
from credit.models import Commitment, Complaint, RectificationOrder
from credit.selectors import in_force
from credit.services.assessments import ASSESSMENT, ASSESSMENT_OBJECTION
from credit.services.commitments import COMMITMENT
from credit.services.complaints import COMPLAINT
from credit.services.enforcement import EXIT_PROPOSAL, ORDER
from credit.services.grading import MEANINGS, current_grades
from exports.services.measures import ALERT as TRADE_ALERT
from members.models import Certification, Member
from members.selectors import members_needing_signature
from members.services.lifecycle import MEMBER
from testing_fund.models import UNDER_WAY, Batch, Rectification
from testing_fund.models import Objection as ReportObjection
from testing_fund.services.batches import (
    BATCH,
    OBJECTION_DAYS,
    RECTIFICATION,
    REPORT_OBJECTION,
    free_batches,
)
from testing_fund.statistics import PASSED, rate

FIRST = 5  # rows shown of each group; the list behind the group's link holds the rest
EXPIRING_DAYS = 30  # certificates and commitments that run out this soon are shown


@dataclass
class Row:
    label: str
    url: str
    detail: str = ""
    due_on: datetime.date | None = None
    days_left: int | None = None

    @property
    def overdue(self):
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self):
        return -self.days_left if self.overdue else 0


@dataclass
class Group:
    key: str
    title: str
    count: int
    rows: list
    list_url: str


@dataclass
class CooperativeFigures:
    """A region supervisor's view of one cooperative: its overdue work and its pass rate."""

    slug: str
    name: str
    url: str
    overdue_tests: int = 0
    overdue_rectifications: int = 0
    overdue_orders: int = 0
    complaints_waiting: int = 0
    pass_rate: float | None = None
    pass_rate_last_year: float | None = None

    @property
    def falling(self):
        return (
            self.pass_rate is not None
            and self.pass_rate_last_year is not None
            and self.pass_rate < self.pass_rate_last_year
        )

    @property
    def overdue(self):
        return self.overdue_tests + self.overdue_rectifications + self.overdue_orders

    @property
    def needs_attention(self):
        return bool(self.overdue or self.complaints_waiting or self.falling)


@dataclass
class MemberFacts:
    """What an enterprise has, beside what it must do: free tests left, its credit grade."""

    year: int
    free_tests_left: int
    free_quota: int = 0  # the year's free batches, said when none is left
    grade: str = ""
    grade_meaning: str = ""
    grade_valid_until: datetime.date | None = None


@dataclass
class Inbox:
    role: str
    groups: list = field(default_factory=list)
    member: MemberFacts | None = None
    cooperatives: list | None = None

    @property
    def waiting(self):
        return [group for group in self.groups if group.count]

    @property
    def quiet(self):
        return [group for group in self.groups if not group.count]


def inbox_for(user, cooperative_ids=None):
    """The inbox of ``user``'s role; empty for an account without one. Call it in the request's
    scope; ``cooperative_ids`` are those the user may see (``request.visible_cooperative_ids``;
    looked up when not given), which bound a supervisor's list of cooperatives: cooperatives
    themselves are not tenant-owned, so the scope alone would not."""
    if cooperative_ids is None:
        cooperative_ids = cooperative_ids_for(user)
    if is_administrator(user) and user.cooperative_id:
        return administrator_inbox(user, user.cooperative)
    if is_supervisor(user) or is_administrator(user):
        # A superuser with no cooperative of its own oversees every one it may see.
        return region_inbox(user, cooperative_ids)
    if is_enterprise(user) and user.member_id:
        return member_inbox(user, user.member)
    if is_lab(user) and user.institution_id:
        return lab_inbox(user)
    return Inbox(role=user.role or "")


# How a group is read: one query


def days_left(due_on, today):
    return None if due_on is None else (due_on - today).days


def group(key, title, rows, *, order, row, list_url, limit=FIRST):
    """A group of ``rows`` (a queryset): the first ``limit`` in ``order`` made into ``Row``s by
    ``row(obj)``, and the count of all of them, in one query."""
    found = list(rows.annotate(waiting=Window(Count("*"))).order_by(*order)[:limit])
    count = found[0].waiting if found else 0
    return Group(key, str(title), count, [row(obj) for obj in found], list_url)


def merged(key, title, groups, list_url):
    """One group of several kinds of rows (objections to reports and to assessments)."""
    rows = sorted(
        (row for each in groups for row in each.rows),
        key=lambda row: (row.due_on is None, row.due_on or datetime.date.max),
    )
    return Group(key, str(title), sum(each.count for each in groups), rows[:FIRST], list_url)


def address(name, slug, *args, **query):
    url = reverse(name, args=[slug, *args])
    return f"{url}?{urlencode(query)}" if query else url


def due_first(date_field):
    return (F(date_field).asc(nulls_last=True), "pk")


# The cooperative administrator


def administrator_inbox(user, cooperative):
    today = timezone.localdate()
    slug = cooperative.slug

    def batch_row(batch):
        return Row(
            batch.product,
            address("batch-detail", slug, batch.pk),
            batch.member.name,
            batch.due_on,
            days_left(batch.due_on, today),
        )

    def batches(key, title, verb, status):
        return group(
            key,
            title,
            BATCH.due_for(user, verbs=[verb]).select_related("member"),
            order=due_first("due_on"),
            row=batch_row,
            list_url=address("batch-list", slug, status=status),
        )

    objections = merged(
        "objections",
        _("Objections to decide"),
        [
            group(
                "report_objections",
                "",
                REPORT_OBJECTION.due_for(user).select_related("batch__member"),
                order=("filed_at", "pk"),
                row=lambda o: Row(
                    o.batch.product,
                    address("batch-detail", slug, o.batch_id),
                    o.batch.member.name,
                ),
                list_url="",
            ),
            group(
                "assessment_objections",
                "",
                ASSESSMENT_OBJECTION.due_for(user).select_related("assessment__member"),
                order=("filed_at", "pk"),
                row=lambda o: Row(
                    str(_("Assessment objection")),
                    address("assessment-detail", slug, o.assessment_id),
                    o.assessment.member.name,
                ),
                list_url="",
            ),
        ],
        address("assessment-list", slug),
    )
    return Inbox(
        role=user.role or "coop_admin",
        groups=[
            group(
                "applications",
                _("Applications to admit"),
                MEMBER.due_for(user, verbs=["review", "approve", "reject"]),
                order=("created_at", "pk"),
                row=lambda m: Row(
                    m.name, address("member-detail", slug, m.pk), m.get_status_display()
                ),
                list_url=address("member-list", slug, status=Member.Status.APPLIED),
            ),
            batches("to_approve", _("Test requests to approve"), "approve", Batch.Status.REQUESTED),
            batches("to_verify", _("Results to verify"), "verify", Batch.Status.ENTERED),
            batches("to_report", _("Reports to issue"), "report", Batch.Status.VERIFIED),
            group(
                "complaints",
                _("Complaints to triage"),
                COMPLAINT.due_for(user, verbs=["triage"]).select_related("member"),
                order=("received_at", "pk"),
                row=lambda c: Row(
                    c.product, address("complaint-detail", slug, c.pk), c.member.name
                ),
                list_url=address("complaint-list", slug, status="received"),
            ),
            group(
                "questions",
                _("Questions awaiting an answer"),
                QUESTION.due_for(user, verbs=["answer"]).select_related("member"),
                order=("waiting_since", "pk"),
                row=lambda q: Row(q.subject, address("question-detail", slug, q.pk), q.member.name),
                list_url=address("question-list", slug, status="asked"),
            ),
            group(
                "commitments",
                _("Commitments to review"),
                COMMITMENT.due_for(user, verbs=["publish", "return"]).select_related("member"),
                order=("created_at", "pk"),
                row=lambda c: Row(
                    c.products, address("commitment-detail", slug, c.pk), c.member.name
                ),
                list_url=address("commitment-list", slug, status="submitted"),
            ),
            group(
                "benchmark_declarations",
                _("Benchmarking declarations to review"),
                BENCHMARK_DECLARATION.due_for(
                    user, verbs=["accept", "return", "certify"]
                ).select_related("member"),
                order=("declared_at", "pk"),
                row=lambda d: Row(
                    d.product_name,
                    address("benchmark-declaration-detail", slug, d.pk),
                    f"{d.member.name} · {d.get_status_display()}",
                ),
                list_url=address("benchmark-declaration-review", slug),
            ),
            objections,
            group(
                "overdue_rectifications",
                _("Rectification notices overdue"),
                Rectification.objects.filter(
                    status=Rectification.Status.NOTIFIED, due_on__lt=today
                ).select_related("batch__member"),
                order=due_first("due_on"),
                row=lambda r: Row(
                    r.batch.product,
                    address("batch-detail", slug, r.batch_id),
                    r.batch.member.name,
                    r.due_on,
                    days_left(r.due_on, today),
                ),
                list_url=address("batch-list", slug, passed="false"),
            ),
            group(
                "overdue_orders",
                _("Enforcement orders overdue"),
                ORDER.due_for(user).filter(deadline__lt=today).select_related("violation__member"),
                order=due_first("deadline"),
                row=lambda o: Row(
                    o.violation.kind,
                    address("enforcement", slug),
                    o.violation.member.name,
                    o.deadline,
                    days_left(o.deadline, today),
                ),
                list_url=address("enforcement", slug),
            ),
            group(
                "exit_proposals",
                _("Exit proposals to decide"),
                EXIT_PROPOSAL.due_for(user).select_related("member"),
                order=("proposed_at", "pk"),
                row=lambda p: Row(p.member.name, address("enforcement", slug)),
                list_url=address("enforcement", slug),
            ),
            # Due 15 working days after receipt (brands, coop.workdays); the list behind the
            # link says the working days left, here the calendar days as for the other groups.
            group(
                "design_reviews",
                _("Design-patent pre-reviews to handle"),
                DESIGN_REVIEW.due_for(user, verbs=["forward", "pass", "return"]).select_related(
                    "member"
                ),
                order=due_first("due_on"),
                row=lambda r: Row(
                    r.design_name,
                    address("design-review-detail", slug, r.pk),
                    r.member.name,
                    r.due_on,
                    days_left(r.due_on, today),
                ),
                list_url=address("design-review-list", slug),
            ),
            group(
                "infringements",
                _("Trademark infringement reports to handle"),
                INFRINGEMENT.due_for(user, verbs=["investigate", "refer"]).select_related("member"),
                order=("reported_at", "pk"),
                row=lambda r: Row(
                    r.get_channel_display(),
                    address("infringement-detail", slug, r.pk),
                    r.member.name,
                ),
                list_url=address("infringement-list", slug),
            ),
            group(
                "certificates",
                _("Certificates expiring within 30 days"),
                Certification.objects.expiring_within(EXPIRING_DAYS, today).select_related(
                    "member"
                ),
                order=due_first("expires_on"),
                row=lambda c: Row(
                    f"{c.get_scheme_display()} {c.number}",
                    address("member-detail", slug, c.member_id),
                    c.member.name,
                    c.expires_on,
                    days_left(c.expires_on, today),
                ),
                list_url=address("overview", slug),
            ),
        ],
    )


# The enterprise


def objection_said(objection):
    """An objection's decision and, upheld, what its re-test ended in (or that it runs)."""
    said = objection.get_decision_display()
    if objection.decision == Objection.Decision.UPHELD:
        outcome = objection.get_outcome_display() if objection.outcome else ""
        said = f"{said} · {outcome or _('the backup sample is being re-tested')}"
    return str(said)


def member_inbox(user, member):
    today = timezone.localdate()
    slug = member.cooperative.slug
    unsigned = members_needing_signature(member.cooperative_id).filter(pk=member.pk)
    left, quota = free_batches(member, today.year)
    objection_windows = merged(
        "objection_windows",
        _("Objections you may still file"),
        [
            group(
                "report_objection_windows",
                "",
                BATCH.due_for(user, verbs=["object"]),
                order=due_first("reported_on"),
                row=lambda b: Row(
                    b.product,
                    address("batch-detail", slug, b.pk),
                    str(_("Test report")),
                    b.reported_on + datetime.timedelta(days=OBJECTION_DAYS),
                    days_left(b.reported_on + datetime.timedelta(days=OBJECTION_DAYS), today),
                ),
                list_url="",
            ),
            group(
                "assessment_objection_windows",
                "",
                # Open for objections, and none of the member's awaiting its decision (a second
                # is refused while one waits: ``coop.objections.file``).
                ASSESSMENT.due_for(user, verbs=["object"])
                .filter(Q(objections_until__gte=today) | Q(objections_until=None))
                .exclude(objections__decision=Objection.Decision.PENDING),
                order=due_first("objections_until"),
                row=lambda a: Row(
                    str(_("Assessment %(start)s – %(end)s"))
                    % {"start": a.period_start, "end": a.period_end},
                    address("assessment-detail", slug, a.pk),
                    a.get_result_display(),
                    a.objections_until,
                    days_left(a.objections_until, today),
                ),
                list_url="",
            ),
        ],
        address("batch-list", slug, status=Batch.Status.REPORTED),
    )
    grade = (
        current_grades(today)
        .filter(member=member)
        .only("grade", "valid_until")
        .order_by("-valid_from", "-pk")
        .first()
    )
    return Inbox(
        role=user.role,
        groups=[
            group(
                "convention",
                _("Sign the convention"),
                unsigned,
                order=("pk",),
                row=lambda m: Row(str(_("The current convention")), address("profile", slug)),
                list_url=address("profile", slug),
            ),
            group(
                "rectifications",
                _("Rectification notices to answer"),
                RECTIFICATION.due_for(user).select_related("batch"),
                order=due_first("due_on"),
                row=lambda r: Row(
                    r.batch.product,
                    address("batch-detail", slug, r.batch_id),
                    str(_("Rectification notice")),
                    r.due_on,
                    days_left(r.due_on, today),
                ),
                list_url=address("batch-list", slug, passed="false"),
            ),
            group(
                "complaints",
                _("Complaints to answer"),
                COMPLAINT.due_for(user),
                order=("received_at", "pk"),
                row=lambda c: Row(
                    c.product,
                    address("complaint-detail", slug, c.pk),
                    str(_("Found valid; received %(date)s"))
                    % {"date": timezone.localtime(c.received_at).date().isoformat()},
                ),
                list_url=address("complaint-list", slug, status="triaged"),
            ),
            group(
                "answered_questions",
                _("Answers to your questions"),
                QUESTION.due_for(user, verbs=["close"]),
                order=(F("answered_at").desc(nulls_last=True), "-pk"),
                row=lambda q: Row(
                    q.subject,
                    address("question-detail", slug, q.pk),
                    str(_("Answered: close it, or ask a follow-up")),
                ),
                list_url=address("question-list", slug, status="answered"),
            ),
            group(
                "trade_measures",
                _("Trade measure alerts to acknowledge"),
                TRADE_ALERT.due_for(user).select_related("measure"),
                order=("alerted_at", "pk"),
                # No deadline: the date of effect is said, not counted down as overdue.
                row=lambda a: Row(
                    a.measure.title,
                    address("trade-measure-detail", slug, a.measure_id),
                    str(_("Date of effect %(date)s")) % {"date": a.measure.effective_on},
                ),
                list_url=address("trade-measure-list", slug),
            ),
            group(
                "returned_declarations",
                _("Returned benchmarking declarations"),
                BENCHMARK_DECLARATION.due_for(user, verbs=["resubmit"]),
                order=("reviewed_at", "pk"),
                row=lambda d: Row(
                    d.product_name,
                    address("benchmark-declaration-detail", slug, d.pk),
                    d.review_reason,
                ),
                list_url=address("benchmark-declaration-list", slug, status="returned"),
            ),
            objection_windows,
            group(
                "objection_decisions",
                _("Decisions on your objections to test reports"),
                # Decided in the last 30 days, or upheld and its re-test not ended yet.
                ReportObjection.objects.filter(batch__member=member)
                .exclude(decision=Objection.Decision.PENDING)
                .filter(
                    Q(decided_at__gte=timezone.now() - datetime.timedelta(days=30))
                    | Q(decision=Objection.Decision.UPHELD, outcome="")
                )
                .select_related("batch"),
                order=("-decided_at", "-pk"),
                row=lambda o: Row(
                    o.batch.product,
                    address("batch-detail", slug, o.batch_id),
                    objection_said(o),
                ),
                list_url="",
            ),
            group(
                "commitments_to_submit",
                _("Commitments to submit"),
                COMMITMENT.due_for(user, verbs=["submit"]),
                order=("created_at", "pk"),
                row=lambda c: Row(
                    c.products, address("commitment-detail", slug, c.pk), c.get_status_display()
                ),
                list_url=address("commitment-list", slug),
            ),
            group(
                "commitments_expiring",
                _("Commitments expiring within 30 days"),
                in_force(Commitment.objects.filter(member=member), today).filter(
                    valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS)
                ),
                order=due_first("valid_until"),
                row=lambda c: Row(
                    c.products,
                    address("commitment-detail", slug, c.pk),
                    "",
                    c.valid_until,
                    days_left(c.valid_until, today),
                ),
                list_url=address("commitment-list", slug),
            ),
        ],
        member=MemberFacts(
            year=today.year,
            free_tests_left=left,
            free_quota=quota,
            grade=grade.grade if grade else "",
            grade_meaning=str(MEANINGS.get(grade.grade, "")) if grade else "",
            grade_valid_until=grade.valid_until if grade else None,
        ),
    )


# The lab


def lab_inbox(user):
    """The lab's samples in every cooperative it serves (the scope): each row names its
    cooperative, and links to the batch in it."""
    today = timezone.localdate()
    worklist = reverse("lab-worklist")

    def batch_row(batch):
        return Row(
            batch.product,
            address("batch-detail", batch.cooperative.slug, batch.pk),
            f"{batch.member.name} · {batch.cooperative.name}",
            batch.due_on,
            days_left(batch.due_on, today),
        )

    def batches(key, title, rows, state):
        return group(
            key,
            title,
            rows.select_related("member", "cooperative"),
            order=due_first("due_on"),
            row=batch_row,
            list_url=f"{worklist}?{urlencode({'state': state})}",
        )

    lab_open = [Batch.Status.SAMPLED, Batch.Status.RECEIVED, Batch.Status.ENTERED]
    return Inbox(
        role=user.role,
        groups=[
            batches(
                "overdue",
                _("Overdue samples"),
                BATCH.due_for(user).filter(status__in=lab_open, due_on__lt=today),
                "overdue",
            ),
            batches(
                "to_receive",
                _("Samples to receive"),
                BATCH.due_for(user, verbs=["receive"]),
                "to_receive",
            ),
            batches(
                "to_enter",
                _("Results to enter"),
                BATCH.due_for(user, verbs=["enter"]).filter(status=Batch.Status.RECEIVED),
                "to_enter",
            ),
            batches(
                "to_verify",
                _("Results to verify"),
                BATCH.due_for(user, verbs=["verify"]),
                "to_verify",
            ),
        ],
    )


# The region supervisor


def region_inbox(user, cooperative_ids):
    """The cooperatives of the scope (a supervisor's region) side by side: overdue work, what
    waits for triage and the pass rate this year against last. A fixed number of grouped
    queries, whatever the number of cooperatives."""
    today = timezone.localdate()
    cooperatives = {
        c.pk: CooperativeFigures(c.slug, c.name, reverse("cooperative", args=[c.slug]))
        for c in Cooperative.objects.filter(pk__in=cooperative_ids).order_by("established", "pk")
    }

    def per_cooperative(rows):
        counted = (
            rows.filter(cooperative_id__in=cooperative_ids)
            .values("cooperative_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        return {row["cooperative_id"]: row["n"] for row in counted}

    counts = {
        "overdue_tests": per_cooperative(
            Batch.objects.filter(status__in=UNDER_WAY, due_on__lt=today)
        ),
        "overdue_rectifications": per_cooperative(
            Rectification.objects.filter(status=Rectification.Status.NOTIFIED, due_on__lt=today)
        ),
        "overdue_orders": per_cooperative(
            RectificationOrder.objects.filter(
                status=RectificationOrder.Status.OPEN, deadline__lt=today
            )
        ),
        "complaints_waiting": per_cooperative(
            Complaint.objects.filter(status=Complaint.Status.RECEIVED)
        ),
    }
    for name, by_cooperative in counts.items():
        for pk, n in by_cooperative.items():
            if pk in cooperatives:
                setattr(cooperatives[pk], name, n)
    rates = (
        Batch.objects.filter(
            cooperative_id__in=cooperative_ids,
            reported_on__range=(
                datetime.date(today.year - 1, 1, 1),
                datetime.date(today.year, 12, 31),
            ),
        )
        .annotate(year=ExtractYear("reported_on"))
        .values("cooperative_id", "year")
        .annotate(total=Count("*"), passed=PASSED)
        .order_by()
    )
    for row in rates:
        figures = cooperatives.get(row["cooperative_id"])
        if figures is not None:
            name = "pass_rate" if row["year"] == today.year else "pass_rate_last_year"
            setattr(figures, name, rate(row["passed"], row["total"]))

    listed = list(cooperatives.values())

    def attention(key, title, measure, link, label=None):
        chosen = sorted(
            (c for c in listed if measure(c)), key=lambda c: (-(measure(c) or 0), c.name)
        )
        return Group(
            key,
            str(title),
            sum(int(measure(c)) for c in chosen),
            [
                Row(c.name, link(c.slug), label(c) if label else str(int(measure(c))))
                for c in chosen[:FIRST]
            ],
            link(chosen[0].slug) if len(chosen) == 1 else reverse("dashboard"),
        )

    def rates_of(c):
        return f"{c.pass_rate_last_year}% → {c.pass_rate}%"

    return Inbox(
        role=user.role or "region_supervisor",
        groups=[
            attention(
                "overdue_tests",
                _("Tests overdue"),
                lambda c: c.overdue_tests,
                lambda slug: address("batch-list", slug, state="overdue"),
            ),
            attention(
                "overdue_rectifications",
                _("Rectification notices overdue"),
                lambda c: c.overdue_rectifications,
                lambda slug: address("batch-list", slug, passed="false"),
            ),
            attention(
                "overdue_orders",
                _("Enforcement orders overdue"),
                lambda c: c.overdue_orders,
                lambda slug: address("enforcement", slug),
            ),
            attention(
                "complaints",
                _("Complaints awaiting triage"),
                lambda c: c.complaints_waiting,
                lambda slug: address("complaint-list", slug, status="received"),
            ),
            attention(
                "falling_pass_rate",
                _("Pass rate falling (this year against last)"),
                lambda c: c.falling,
                lambda slug: address("statistics", slug),
                label=rates_of,
            ),
        ],
        cooperatives=sorted(listed, key=lambda c: not c.needs_attention),
    )

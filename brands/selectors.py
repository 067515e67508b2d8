"""The rows each user may see (``*_for(user)``), read by the pages and the API alike: staff see
every row of the cooperative in scope, an enterprise user its own unit's, anyone else none, so a
row fetched through these is a 404 to everyone else. And the lists' computed columns: a
request's working days left, read from one calendar query for a whole page."""

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from brands.models import CollectiveTrademark, DesignReview, InfringementReport
from coop import workdays
from coop.roles import is_enterprise, is_staff
from members.models import TrademarkLicence


def owned(rows, user, path="member"):
    if is_staff(user):
        return rows
    if is_enterprise(user):
        return rows.filter(**{path: user.member_id})
    return rows.none()


def reviews_for(user, today=None):
    rows = DesignReview.objects.select_related("member").with_overdue(today)
    return owned(rows, user)


def overdue_first(rows):
    """Overdue requests first (the oldest due first), then the other open ones by due date,
    then the decided ones, newest first."""
    return rows.annotate(
        rank=Case(
            When(is_overdue=True, then=Value(0)),
            When(status__in=DesignReview.OPEN, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "due_on", "-submitted_on", "-pk")


def with_days_left(reviews, today=None):
    """Set ``days_left`` (working days from today to the due date; negative once overdue) and
    ``overdue_by`` on each open request of ``reviews`` (a page's rows), from one calendar query
    for them all; ``days_left`` is None on a decided one."""
    today = today or timezone.localdate()
    reviews = list(reviews)
    dues = [review.due_on for review in reviews if review.is_open]
    marked = workdays.calendar(min([today, *dues]), max([today, *dues])) if dues else {}
    for review in reviews:
        review.days_left = (
            workdays.working_days_between(today, review.due_on, marked) if review.is_open else None
        )
        # Overdue from the day after its due date, by so many working days (0 on a weekend
        # right after a Friday's due date: overdue, by no working day yet).
        review.overdue_by = max(0, -(review.days_left or 0))
        if not hasattr(review, "is_overdue"):
            review.is_overdue = review.is_open and review.due_on < today
    return reviews


def reports_for(user):
    return owned(InfringementReport.objects.select_related("member", "mark"), user)


def report_visible(user, report_id):
    """Whether ``user`` may see report ``report_id`` (and the evidence attached to it)."""
    return reports_for(user).filter(pk=report_id).exists()


def licences_for(user, today=None):
    """The cooperative's trademark licences with their mark and number (staff), or the unit's
    own (enterprise), those in force first; ``in_force`` annotated."""
    today = today or timezone.localdate()
    rows = TrademarkLicence.objects.select_related("member", "brand_terms__mark").annotate(
        in_force=Case(
            When(starts_on__lte=today, ends_on__gte=today, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    return owned(rows, user).order_by("-in_force", "ends_on", "pk")


def marks_for(user):
    if is_staff(user) or is_enterprise(user):
        return CollectiveTrademark.objects.all()
    return CollectiveTrademark.objects.none()

"""What the pages and the API read of questions: the rows each user may see, the open ones
with their age, the time to answer (median and 90th percentile), and the public FAQ."""

import math
from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Ceil, Floor, RowNumber
from django.utils import timezone

from consultation.models import PROMISE_HOURS, Question
from coop.models import Cooperative
from coop.roles import is_enterprise, is_staff
from coop.tenancy import unscoped

WINDOW_DAYS = 90  # the period of the time-to-answer figures
PERCENTILES = (0.5, 0.9)


def questions_for(user):
    """Staff see every question of the scope's cooperative, an enterprise user its own unit's,
    anyone else none: a row fetched through this is a 404 to everyone else."""
    rows = Question.objects.select_related("member")
    if is_staff(user):
        return rows
    if is_enterprise(user) and user.member_id:
        return rows.filter(member_id=user.member_id)
    return rows.none()


def filtered(rows, params):
    """``?status=`` and ``?topic=`` when they name one of the choices (anything else: all)."""
    status, topic = params.get("status", ""), params.get("topic", "")
    if status in Question.Status.values:
        rows = rows.filter(status=status)
    if topic in Question.Topic.values:
        rows = rows.filter(topic=topic)
    return rows, status, topic


def open_questions(rows):
    """The questions awaiting an answer, oldest first (their age counts from the follow-up
    when there was one)."""
    return rows.filter(status=Question.Status.ASKED).order_by("waiting_since", "pk")


def answer_times(cooperative_id, days=WINDOW_DAYS, now=None):
    """The cooperative's time to answer over the questions first answered in the last ``days``
    days: ``{"answered": n, "median": hours, "p90": hours, "late": n over 24 h}`` (hours None
    when nothing was answered).

    One query on PostgreSQL and SQLite alike (SQLite has no ``percentile_cont``): a window
    counts the answers and numbers them by their time, and only the rows around each percentile
    come back (at most two per percentile), interpolated here as ``percentile_cont`` does."""
    since = (now or timezone.now()) - timedelta(days=days)
    took = ExpressionWrapper(F("answered_at") - F("asked_at"), output_field=DurationField())
    position = {
        p: ExpressionWrapper(Value(p) * (F("n") - 1), output_field=FloatField())
        for p in PERCENTILES
    }
    wanted = Q(rank=0)  # never: the percentiles' rows are OR-ed to it
    for p in PERCENTILES:
        wanted |= Q(rank=Floor(position[p]) + 1) | Q(rank=Ceil(position[p]) + 1)
    promise = timedelta(hours=PROMISE_HOURS)
    rows = list(
        Question.objects.filter(cooperative_id=cooperative_id, answered_at__gte=since)
        .annotate(
            took=took,
            n=Window(Count("*")),
            late=Window(Count("pk", filter=Q(answered_at__gt=F("asked_at") + promise))),
            rank=Window(RowNumber(), order_by=[took.asc(), F("pk").asc()]),
        )
        .filter(wanted)
        .values("n", "late", "rank", "took")
        .order_by("rank")
    )
    if not rows:
        return {"answered": 0, "late": 0, "median": None, "p90": None, "days": days}
    n = rows[0]["n"]
    hours = {row["rank"]: row["took"].total_seconds() / 3600 for row in rows}

    def percentile(p):
        exact = p * (n - 1)
        low, high = math.floor(exact) + 1, math.ceil(exact) + 1
        return round(hours[low] + (hours[high] - hours[low]) * (exact + 1 - low), 1)

    return {
        "answered": n,
        "late": rows[0]["late"],
        "median": percentile(0.5),
        "p90": percentile(0.9),
        "days": days,
    }


# The public FAQ


def faq_entries(cooperative=None, region=None, topic="", text=""):
    """Published FAQ entries, by topic then newest first: of one cooperative, of a region's
    cooperatives, or of the portal. The one reviewed place that reads questions across
    cooperatives: published entries only, and only their public fields (never the member),
    as ``values`` rows. ``text`` finds a word in the public question or answer."""
    with unscoped():
        rows = Question.objects.filter(published=True)
        if cooperative is not None:
            rows = rows.filter(cooperative_id=cooperative.pk)
        if region is not None:
            rows = rows.filter(cooperative__region_id=region.pk)
        if topic in Question.Topic.values:
            rows = rows.filter(topic=topic)
        text = (text or "").strip()
        if text:
            rows = rows.filter(Q(faq_question__icontains=text) | Q(faq_answer__icontains=text))
        # The topics in their declared order (standards, testing, labelling, …), not by code.
        topic_order = Case(
            *[When(topic=code, then=Value(n)) for n, code in enumerate(Question.Topic.values)],
            output_field=IntegerField(),
        )
        return rows.order_by(topic_order, "-published_at", "-pk").values(
            "pk",
            "topic",
            "faq_question",
            "faq_answer",
            "published_at",
            "cooperative__slug",
            "cooperative__name_zh",
            "cooperative__name_en",
        )


def labelled(entries):
    """FAQ rows (``values``) with their topic's label and their cooperative's name in the
    reader's language."""
    labels = dict(Question.Topic.choices)
    shown = []
    for entry in entries:
        name = Cooperative(name_zh=entry["cooperative__name_zh"])
        name.name_en = entry["cooperative__name_en"]
        shown.append(
            {
                **entry,
                "topic_label": str(labels.get(entry["topic"], entry["topic"])),
                "cooperative_name": name.name,
            }
        )
    return shown

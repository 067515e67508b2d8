"""A cooperative's scheduled jobs: installing them, listing them, and the steps staff take on
them (pause, resume, reschedule, run now, the round's settings), with each run's outcome
recorded.

- **Where they live.** django-celery-beat stays the store: beat reads ``PeriodicTask`` and its
  ``CrontabSchedule``. Each task is linked to its cooperative by a tenant-owned
  ``supervision.models.Schedule`` (one per cooperative and kind), so a cooperative's schedules
  are one scoped query and another cooperative's are a 404, whatever the task's name says.
- **Defaults** (``install_schedules``): the sampling round preview on the 1st of January, April,
  July and October at 08:00 (``testing_fund.services.rounds.schedule_rounds``); the commitment
  assessment on 5 January and 5 July, credit grading on the 1st of each month, and the daily
  upkeep, at 06:00 (``credit.tasks.SCHEDULES``); all in Asia/Shanghai.
- **No lab or standard yet.** The round needs a lab that serves the cooperative and a standard
  (``round_inputs``: from its standards collection, or the national standard of its members'
  products, unless given). Without them the round's schedule is
  installed *paused and waiting*: it shows on the page as waiting, "run now" and "resume" are
  refused saying what is missing, and the next ``install_schedules``, "resume" or "run now" after a lab
  and a standard exist fills them in (install also switches it on; an administrator's own
  pause is never undone by it). The other three need nothing and run from the start.
- **The round's settings** (``set_round``): staff choose its lab (one serving the cooperative),
  its standard (current in the catalogue; a superseded one is refused naming its
  replacement) and its coverage as a percentage of the active members; the task's arguments
  keep the fraction (10 % is "0.100"). A waiting round given them waits no more, but stays
  paused until someone resumes it or runs it now.
- **Outcome.** beat's ``last_run_at`` says only when a task was sent (and django-celery-beat
  clears it on a pause). The outcome is recorded when the task itself finishes, in the worker:
  Celery's ``task_prerun``/``task_postrun`` signals (connected in ``SupervisionConfig.ready``)
  write the start, the end, succeeded or failed, and the task's result or error onto the
  cooperative's ``Schedule`` row, in one UPDATE. So the lower apps' tasks stay as they are, and
  a run from beat, from "run now" or from a worker picking up a lost task is recorded alike.
- **Steps** are services (keyword-only, atomic, the rows locked, checked, one audit record each:
  who, when, what, before and after). Administrators take them for their own cooperative,
  region supervisors for every cooperative of their region; the request's tenant scope makes
  any other cooperative's schedule a 404 before these checks run.
"""

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from importlib import import_module
from types import SimpleNamespace

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_celery_beat.models import CrontabSchedule

from coop import audit
from coop.celery import app
from coop.errors import Refused
from coop.models import AuditRecord
from coop.roles import is_administrator, is_supervisor
from coop.tenancy import scope
from credit import tasks as credit_tasks
from members.models import MemberProductCategory
from standards.models import CollectionEntry, Limit, Standard
from supervision.models import Schedule
from testing_fund.models import TestingInstitution
from testing_fund.services.rounds import schedule_rounds

logger = logging.getLogger(__name__)

ROUND_TASK = "testing_fund.tasks.plan_round"


@dataclass(frozen=True)
class Job:
    kind: str
    task: str
    does: str  # what it does, in a sentence staff read


JOBS = [
    Job(
        Schedule.Kind.ROUND,
        ROUND_TASK,
        gettext_lazy(
            "Draws the quarter's supervisory sampling round for staff to preview and confirm."
        ),
    ),
    Job(
        Schedule.Kind.ASSESSMENT,
        "credit.tasks.assess",
        gettext_lazy("Assesses how members kept their quality commitments over the last year."),
    ),
    Job(
        Schedule.Kind.GRADING,
        "credit.tasks.grade",
        gettext_lazy("Grades every member's quality credit and proposes exits where due."),
    ),
    Job(
        Schedule.Kind.UPKEEP,
        "credit.tasks.daily",
        gettext_lazy(
            "Makes assessments final once their objection window closed, reminds overdue "
            "rectification orders and mails members whose commitments run out within 30 days."
        ),
    ),
]
JOB_BY_KIND = {job.kind: job for job in JOBS}
KIND_BY_TASK = {job.task: job.kind for job in JOBS}
# credit.tasks.SCHEDULES in its order: assessment, grading, upkeep.
CREDIT_KINDS = {
    "credit.tasks.assess": Schedule.Kind.ASSESSMENT,
    "credit.tasks.grade": Schedule.Kind.GRADING,
    "credit.tasks.daily": Schedule.Kind.UPKEEP,
}

ACTIONS = {
    "schedule.pause": gettext_lazy("paused"),
    "schedule.resume": gettext_lazy("resumed"),
    "schedule.reschedule": gettext_lazy("moved to another time"),
    "schedule.run": gettext_lazy("run now"),
    "schedule.set_round": gettext_lazy("given another lab, standard or coverage"),
}


# Installing


def round_inputs(cooperative):
    """The lab and standard a cooperative's round uses by default (None where there is none):
    the first lab serving it; the first standard of its standards collection that has limits to
    test against, or else the mandatory national standard in force, with limits, that covers
    the most of its members' product categories (GB 18401 for a home-textile cooperative whose
    members' categories are known). A standard the round cannot test against is no default."""
    lab = TestingInstitution.objects.filter(cooperatives=cooperative).order_by("pk").first()
    testable = Exists(Limit.objects.filter(standard=OuterRef("standard")))
    with scope({cooperative.pk}):
        entry = CollectionEntry.objects.filter(testable).select_related("standard").first()
        if entry is not None:
            return lab, entry.standard
        categories = MemberProductCategory.objects.filter(cooperative=cooperative).values(
            "category"
        )
        standard = (
            Standard.objects.in_force_on(timezone.localdate())
            .filter(
                cooperative__isnull=True,
                level=Standard.Level.MANDATORY_NATIONAL,
                product_categories__in=categories,
            )
            .filter(Exists(Limit.objects.filter(standard=OuterRef("pk"))))
            .annotate(covered=Count("product_categories", distinct=True))
            .order_by("-covered", "code")
            .first()
        )
    return lab, standard


def install_schedules(cooperative, *, lab=None, standard=None):
    """Install every schedule ``cooperative`` needs, with the defaults above; return their
    ``PeriodicTask`` rows in the page's order. Idempotent: a schedule already there keeps the
    time and state staff gave it; a round waiting for a lab and a standard gets them once both
    exist, and is switched on. An existing task of the old naming ("<name>: <slug>") is adopted
    rather than doubled. ``lab`` and ``standard`` choose the round's instead of the defaults."""
    if lab is None or standard is None:
        found_lab, found_standard = round_inputs(cooperative)
        lab, standard = lab or found_lab, standard or found_standard
    with transaction.atomic(), scope({cooperative.pk}):
        linked = {
            schedule.kind: schedule
            for schedule in Schedule.objects.filter(cooperative=cooperative).select_related(
                "periodic_task"
            )
        }
        tasks = {}
        if Schedule.Kind.ROUND in linked:
            schedule = linked[Schedule.Kind.ROUND]
            if schedule.waiting and lab is not None and standard is not None:
                fill_round(schedule, lab, standard, enable=True)
            tasks[Schedule.Kind.ROUND] = schedule.periodic_task
        else:
            tasks[Schedule.Kind.ROUND] = schedule_rounds(cooperative, lab, standard)
        for name, task, when in credit_tasks.SCHEDULES:
            kind = CREDIT_KINDS[task]
            if kind in linked:
                tasks[kind] = linked[kind].periodic_task
            else:
                tasks[kind] = credit_tasks.schedule_one(cooperative, name, task, when)
        for kind, periodic in tasks.items():
            if kind not in linked:
                waiting = kind == Schedule.Kind.ROUND and "lab_id" not in loads(periodic.kwargs)
                Schedule.objects.create(
                    cooperative=cooperative, kind=kind, periodic_task=periodic, waiting=waiting
                )
    return [tasks[job.kind] for job in JOBS]


def loads(text):
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def fill_round(schedule, lab, standard, *, enable):
    """Give a waiting round its lab and standard (and switch it on when ``enable``)."""
    periodic = schedule.periodic_task
    kwargs = loads(periodic.kwargs) | {"lab_id": lab.pk, "standard_id": standard.pk}
    periodic.kwargs = json.dumps(kwargs)
    if enable:
        periodic.enabled = True
    periodic.save()  # whole: django-celery-beat's save tells beat that its tasks changed
    schedule.waiting = False
    schedule.save(update_fields=["waiting"])


# Reading


def schedules_of(cooperative):
    """A cooperative's schedules in the page's order, each with its task and crontab: one
    query. Call it inside a scope that holds the cooperative."""
    order = Case(
        *[When(kind=job.kind, then=Value(i)) for i, job in enumerate(JOBS)],
        output_field=IntegerField(),
    )
    return (
        Schedule.objects.filter(cooperative=cooperative)
        .select_related("periodic_task__crontab")
        .annotate(position=order)
        .order_by("position", "pk")
    )


def recent_changes(cooperative, limit=10):
    """The last steps taken on a cooperative's schedules (who, when, what): one query."""
    return (
        AuditRecord.objects.filter(cooperative=cooperative, object_type=Schedule._meta.label_lower)
        .select_related("actor")
        .order_by("-at", "-pk")[:limit]
    )


def does(schedule):
    return JOB_BY_KIND[schedule.kind].does


def next_run(schedule, now=None):
    """When beat will next send the task: None when paused or not on a crontab."""
    periodic = schedule.periodic_task
    if not periodic.enabled or periodic.crontab is None:
        return None
    now = now or timezone.now()
    timetable = periodic.crontab.schedule
    # Celery counts from its own "now", a moment after ours: round to the whole minute that
    # every crontab fires on.
    due = now + timetable.remaining_estimate(now) + timedelta(seconds=30)
    return due.replace(second=0, microsecond=0)


def last_run(schedule):
    """When it last ran: the recorded start of its last run, or when beat last sent it, if
    later (a run whose worker has not finished it yet)."""
    found = [t for t in (schedule.last_run_at, schedule.periodic_task.last_run_at) if t]
    return max(found) if found else None


def months_of(crontab):
    """The months of a crontab as numbers, or None for every month (or a form we do not read)."""
    return numbers(crontab.month_of_year, 1, 12)


def numbers(field, low, high):
    if field.strip() == "*":
        return None
    try:
        values = sorted({int(part) for part in field.split(",")})
    except ValueError:
        return None
    return values if all(low <= value <= high for value in values) else None


def single(field, low, high):
    found = numbers(field, low, high)
    return found[0] if found and len(found) == 1 else None


def timing_in_words(crontab):
    """A crontab as staff read it ("每年1、7月的5日 06:00"); the raw expression where it takes a
    form the page does not phrase."""
    if crontab is None:
        return _("not on a timetable")
    raw = " ".join(
        [
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        ]
    )
    minute, hour = single(crontab.minute, 0, 59), single(crontab.hour, 0, 23)
    day = single(crontab.day_of_month, 1, 31)
    months = months_of(crontab)
    every_day = crontab.day_of_month.strip() == "*"
    every_month = crontab.month_of_year.strip() == "*"
    if (
        minute is None
        or hour is None
        or crontab.day_of_week.strip() != "*"
        or (day is None and not every_day)
        or (months is None and not every_month)
    ):
        return _("on the timetable %(expression)s") % {"expression": raw}
    time = f"{hour:02d}:{minute:02d}"
    if every_month and every_day:
        return _("every day at %(time)s") % {"time": time}
    if every_month:
        return _("on day %(day)d of every month at %(time)s") % {"day": day, "time": time}
    listed = _(", ").join(str(month) for month in months)
    if every_day:
        return ngettext(
            "every day of month %(months)s at %(time)s",
            "every day of months %(months)s at %(time)s",
            len(months),
        ) % {"months": listed, "time": time}
    return ngettext(
        "on day %(day)d of month %(months)s at %(time)s",
        "on day %(day)d of months %(months)s at %(time)s",
        len(months),
    ) % {"day": day, "months": listed, "time": time}


def result_in_words(schedule):
    """What the last run did, in words: its error when it failed."""
    if schedule.last_outcome == Schedule.Outcome.FAILED:
        return schedule.last_error
    result = schedule.last_result
    if schedule.last_outcome != Schedule.Outcome.SUCCEEDED or result is None:
        return ""
    if schedule.kind == Schedule.Kind.ROUND and isinstance(result, int):
        return _("sampling round no. %(number)d") % {"number": result}
    if schedule.kind == Schedule.Kind.ASSESSMENT and isinstance(result, int):
        return _("%(count)d assessment(s)") % {"count": result}
    if schedule.kind == Schedule.Kind.GRADING and isinstance(result, dict):
        return _("%(graded)s member(s) graded, %(proposed)s exit proposal(s)") % {
            "graded": result.get("graded", 0),
            "proposed": result.get("exit_proposals", 0),
        }
    if schedule.kind == Schedule.Kind.UPKEEP and isinstance(result, dict):
        return _("%(finalised)s assessment(s) made final, %(reminded)s reminder(s)") % {
            "finalised": result.get("finalised", 0),
            "reminded": result.get("reminded", 0),
        }
    return str(result)


# Steps


def may_manage(user, cooperative):
    """Administrators of the cooperative (and superusers), region supervisors of its region."""
    if is_administrator(user):
        return user.is_superuser or user.cooperative_id == cooperative.pk
    return is_supervisor(user) and user.region_id == cooperative.region_id


def locked(schedule, actor):
    """The schedule and its task, locked, after checking ``actor`` may take steps on it."""
    row = (
        Schedule.objects.select_for_update(of=("self", "periodic_task"))
        .select_related("periodic_task__crontab", "cooperative")
        .get(pk=schedule.pk)
    )
    if not may_manage(actor, row.cooperative):
        raise PermissionDenied(_("Your role cannot change this cooperative's schedules."))
    return row


def record(row, actor, action, changes):
    """One audit record per step: who (the actor), when (its time), what (the action, the job
    and what changed, before and after)."""
    changes = {"kind": row.kind, **changes}
    audit.record(instance=row, actor=actor, action=action, changes=changes)


def change_in_words(change):
    """An audit record of a step, for the page: the job, the step, and the times of a move."""
    kind = change.changes.get("kind")
    job = Schedule.Kind(kind).label if kind in Schedule.Kind.values else ""
    detail = ""
    before_after = change.changes.get("timetable")
    if isinstance(before_after, list) and len(before_after) == 2:
        words = [timing_in_words(SimpleNamespace(**fields)) for fields in before_after]
        detail = " → ".join(words)
    settings_before_after = change.changes.get("round")
    if isinstance(settings_before_after, list) and len(settings_before_after) == 2:
        shares = [coverage_in_words(fields.get("coverage")) for fields in settings_before_after]
        detail = " → ".join(shares)
    return job, ACTIONS.get(change.action, change.action), detail


def crontab_fields(crontab):
    if crontab is None:
        return {}
    names = ["minute", "hour", "day_of_month", "month_of_year", "day_of_week"]
    return {name: getattr(crontab, name) for name in names}


def waiting_refusal():
    return Refused(
        _(
            "The sampling round needs a lab that serves the cooperative and a standard: choose "
            "them under “%(settings)s” on this page (or add a standard to the standards "
            "collection, or give members a product category), then run it or resume it."
        )
        % {"settings": _("Change the round's settings")}
    )


def ready_round(row):
    """A waiting round gets its lab and standard if they exist now; refused otherwise."""
    if row.waiting:
        lab, standard = round_inputs(row.cooperative)
        if lab is None or standard is None:
            raise waiting_refusal()
        fill_round(row, lab, standard, enable=False)


@transaction.atomic
def pause_schedule(*, schedule, actor):
    """Stop beat sending the task until it is resumed."""
    row = locked(schedule, actor)
    if not row.periodic_task.enabled:
        raise Refused(_("This schedule is already paused."))
    row.periodic_task.enabled = False
    row.periodic_task.save()
    record(row, actor, "schedule.pause", {"enabled": [True, False]})
    return row


@transaction.atomic
def resume_schedule(*, schedule, actor):
    """Send the task on its timetable again (a waiting round first gets its lab and standard)."""
    row = locked(schedule, actor)
    if row.periodic_task.enabled:
        raise Refused(_("This schedule is already running on its timetable."))
    ready_round(row)
    row.periodic_task.enabled = True
    row.periodic_task.save()
    record(row, actor, "schedule.resume", {"enabled": [False, True]})
    return row


@transaction.atomic
def reschedule(*, schedule, actor, **when):
    """Move the task to another time. ``when`` holds any of ``hour``, ``minute``,
    ``day_of_month`` (None: every day) and ``months`` (a list; all twelve: every month), as
    ``RescheduleInput`` validated them; what is not given stays as it was. The crontab rows are
    shared between tasks (django-celery-beat finds one per timetable), so the task is pointed at
    the crontab of the new timetable, never edits the old one in place: that would move every
    other cooperative's task on it too."""
    row = locked(schedule, actor)
    periodic = row.periodic_task
    before = crontab_fields(periodic.crontab)
    fields = dict(before) or {
        "minute": "0",
        "hour": "6",
        "day_of_month": "*",
        "month_of_year": "*",
        "day_of_week": "*",
    }
    if "hour" in when:
        fields["hour"] = str(when["hour"])
    if "minute" in when:
        fields["minute"] = str(when["minute"])
    if "day_of_month" in when:
        day = when["day_of_month"]
        fields["day_of_month"] = "*" if day is None else str(day)
    if "months" in when:
        months = sorted(set(when["months"]))
        fields["month_of_year"] = "*" if len(months) == 12 else ",".join(map(str, months))
    if fields == before:
        raise Refused(_("The schedule already runs at that time."))
    zone = periodic.crontab.timezone if periodic.crontab else settings.TIME_ZONE
    crontab, _created = CrontabSchedule.objects.get_or_create(timezone=zone, **fields)
    periodic.crontab = crontab
    periodic.interval = periodic.solar = periodic.clocked = None
    periodic.save()
    record(row, actor, "schedule.reschedule", {"timetable": [before, fields]})
    return row


def coverage_percent(fraction):
    """The round's coverage as staff give it, a percentage (Decimal("10") for "0.10"); None
    for a value the task's arguments should not hold."""
    try:
        share = Decimal(str(fraction)) * 100
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not share.is_finite():
        return None
    if share == share.to_integral_value():
        return share.quantize(Decimal(1))
    return share.quantize(Decimal("0.1"))


def coverage_in_words(fraction):
    """ "10 % of active members", from the task's fraction ("0.10")."""
    percent = coverage_percent(fraction)
    if percent is None:
        return ""
    return _("%(percent)s %% of active members") % {"percent": percent}


def round_settings(schedule):
    """The round's lab id, standard id and coverage (a percentage) from its task's arguments;
    None where there is none."""
    kwargs = loads(schedule.periodic_task.kwargs)
    return {
        "lab": an_id(kwargs.get("lab_id")),
        "standard": an_id(kwargs.get("standard_id")),
        "coverage": coverage_percent(kwargs.get("coverage", "0.10")),
    }


def current_standards(cooperative, day=None):
    """The catalogue's standards current on ``day`` (the shared ones and the cooperative's
    own), those that concern the cooperative first (in its standards collection, or for its
    members' product categories), each with ``relevant``; one query. Call it inside a scope
    that holds the cooperative."""
    day = day or timezone.localdate()
    in_collection = CollectionEntry.objects.filter(cooperative=cooperative, standard=OuterRef("pk"))
    categories = MemberProductCategory.objects.filter(cooperative=cooperative).values("category")
    for_members = Standard.product_categories.through.objects.filter(
        standard=OuterRef("pk"), productcategory__in=categories
    )
    return (
        Standard.objects.in_force_on(day)
        .annotate(
            relevant=Case(
                When(Exists(in_collection) | Exists(for_members), then=Value(True)),
                default=Value(False),
            )
        )
        .order_by("-relevant", "code")
    )


def percentage(value):
    """A coverage as staff give it: a whole number or one decimal, 1 to 100 (a percentage of
    the active members), or a ValidationError naming the field."""
    try:
        percent = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        percent = None
    if percent is None or not percent.is_finite():
        raise ValidationError({"coverage": _("Give the coverage as a number, e.g. 10 for 10 %.")})
    if not Decimal(1) <= percent <= Decimal(100):
        raise ValidationError({"coverage": _("The coverage is 1 to 100 % of active members.")})
    if percent != percent.quantize(Decimal("0.1")):
        raise ValidationError({"coverage": _("Give the coverage with one decimal at most.")})
    return percent


def an_id(value):
    """A row's id as given (an int, or its digits); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def chosen_lab(cooperative, lab_id):
    lab_id = an_id(lab_id)
    found = TestingInstitution.objects.filter(cooperatives=cooperative, pk=lab_id)
    lab = found.first() if lab_id is not None else None
    if lab is None:
        raise ValidationError({"lab": _("Choose one of the labs that serve this cooperative.")})
    return lab


def chosen_standard(cooperative, standard_id):
    """A standard of the catalogue current today; a superseded one is refused naming its
    replacement, a withdrawn or not yet current one saying so."""
    standard_id = an_id(standard_id)
    standard = None
    if standard_id is not None:
        with scope({cooperative.pk}):
            found = Standard.objects.select_related("superseded_by").filter(pk=standard_id)
            standard = found.first()
    if standard is None:
        raise ValidationError({"standard": _("There is no such standard in the catalogue.")})
    status = standard.status
    if status == Standard.Status.SUPERSEDED:
        raise ValidationError(
            {
                "standard": _("%(code)s is superseded by %(successor)s: choose that one.")
                % {"code": standard.code, "successor": standard.superseded_by.code}
            }
        )
    if status == Standard.Status.WITHDRAWN:
        raise ValidationError(
            {
                "standard": _("%(code)s is withdrawn: choose a current standard.")
                % {"code": standard.code}
            }
        )
    if status == Standard.Status.UPCOMING:
        raise ValidationError(
            {
                "standard": _("%(code)s is not in force until %(day)s: choose a current standard.")
                % {"code": standard.code, "day": standard.implemented_on.isoformat()}
            }
        )
    return standard


@transaction.atomic
def set_round(*, schedule, actor, lab, standard, coverage):
    """Give the sampling round another lab (``lab``: the id of one that serves the
    cooperative), standard (``standard``: the id of a current standard of the catalogue) and
    coverage (a percentage of the active members, 1 to 100, e.g. 10; the task takes the
    fraction, 0.10). A round that was waiting only for a lab and a standard waits no longer:
    "resume" and "run now" then work; it stays paused until someone resumes it, as its
    administrators' own pause does."""
    row = locked(schedule, actor)
    if row.kind != Schedule.Kind.ROUND:
        raise Refused(_("Only the sampling round has a lab, a standard and a coverage."))
    percent = percentage(coverage)
    lab_row = chosen_lab(row.cooperative, lab)
    standard_row = chosen_standard(row.cooperative, standard)
    periodic = row.periodic_task
    kwargs = loads(periodic.kwargs)
    fraction = str((percent / 100).quantize(Decimal("0.001")))
    before = {
        "lab_id": kwargs.get("lab_id"),
        "standard_id": kwargs.get("standard_id"),
        "coverage": kwargs.get("coverage"),
    }
    after = {"lab_id": lab_row.pk, "standard_id": standard_row.pk, "coverage": fraction}
    same_share = coverage_percent(before["coverage"]) == coverage_percent(fraction)
    if (
        not row.waiting
        and same_share
        and before["lab_id"] == lab_row.pk
        and (before["standard_id"] == standard_row.pk)
    ):
        raise Refused(_("The round already uses this lab, standard and coverage."))
    periodic.kwargs = json.dumps(kwargs | after)
    periodic.save()  # whole: django-celery-beat's save tells beat that its tasks changed
    if row.waiting:
        row.waiting = False
        row.save(update_fields=["waiting"])
    record(row, actor, "schedule.set_round", {"round": [before, after]})
    return row


@transaction.atomic
def run_schedule(*, schedule, actor):
    """Send the task now, once, whatever its timetable and even when paused; the outcome is
    recorded when it finishes. On the embedded default (no Redis) it runs in-process once this
    transaction commits, so the page shows its outcome at once."""
    row = locked(schedule, actor)
    if row.kind == Schedule.Kind.ROUND:
        ready_round(row)
    periodic = row.periodic_task
    args, kwargs = json.loads(periodic.args or "[]"), loads(periodic.kwargs)
    record(row, actor, "schedule.run", {"task": periodic.task})
    transaction.on_commit(lambda: send(periodic, args, kwargs))
    return row


def send(periodic, args, kwargs):
    # The web process has not imported the apps' task modules (workers do, on start): the
    # task's name is its module's path, and only the four jobs above get here.
    import_module(periodic.task.rsplit(".", 1)[0])
    task = app.tasks[periodic.task]
    headers = {"periodic_task_name": periodic.name}
    if app.conf.task_always_eager:
        # In-process: a failure is recorded as the outcome (task_postrun) and logged, not
        # raised into the page that asked.
        return task.apply(args=args, kwargs=kwargs, headers=headers, throw=False)
    return task.apply_async(args=args, kwargs=kwargs, headers=headers)


# Outcomes, recorded where the task runs

_started = {}


@task_prerun.connect(weak=False)
def note_start(sender=None, task_id=None, task=None, **extra):
    if task is not None and task.name in KIND_BY_TASK:
        _started[task_id] = timezone.now()


@task_postrun.connect(weak=False)
def note_outcome(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
    if task is None or task.name not in KIND_BY_TASK:
        return
    started = _started.pop(task_id, None)
    cooperative_id = args[0] if args else (kwargs or {}).get("cooperative_id")
    if not isinstance(cooperative_id, int):
        return
    retval, state = extra.get("retval"), extra.get("state")
    succeeded = state == "SUCCESS"
    values = {
        "last_run_at": started or timezone.now(),
        "last_finished_at": timezone.now(),
        "last_outcome": Schedule.Outcome.SUCCEEDED if succeeded else Schedule.Outcome.FAILED,
        "last_result": jsonable(retval) if succeeded else None,
        "last_error": "" if succeeded else error_text(retval),
    }
    try:
        with scope({cooperative_id}):
            Schedule.objects.filter(
                cooperative_id=cooperative_id, kind=KIND_BY_TASK[task.name]
            ).update(**values)
    except Exception:  # the task's own work is done; a lost record must not undo it
        logger.exception("Could not record the outcome of %s[%s]", task.name, task_id)


def jsonable(value):
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)[:500]
    return value


def error_text(retval):
    if isinstance(retval, BaseException):
        return f"{type(retval).__name__}: {retval}"[:1000]
    return _("The task stopped without finishing.")

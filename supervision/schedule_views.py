"""The schedules page of a cooperative: each job with what it does, its timing in words, next
and last run and outcome, and the steps staff take on it (``supervision.schedules``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import role_required
from coop.errors import Refused
from coop.pages import page_of
from coop.roles import is_staff
from standards.models import Standard
from supervision import schedules
from supervision.models import Schedule
from supervision.schedules_api import RescheduleInput, RoundInput
from testing_fund.models import TestingInstitution

MONTHS = range(1, 13)
DAYS = range(1, 29)

DONE = {
    "pause": schedules.ACTIONS["schedule.pause"],
    "resume": schedules.ACTIONS["schedule.resume"],
    "reschedule": schedules.ACTIONS["schedule.reschedule"],
    "run": schedules.ACTIONS["schedule.run"],
    "set_round": schedules.ACTIONS["schedule.set_round"],
}


def rows_of(page):
    """The page's schedules with what the template shows, worked out without queries."""
    for schedule in page:
        crontab = schedule.periodic_task.crontab
        schedule.does = schedules.does(schedule)
        schedule.timing = schedules.timing_in_words(crontab)
        schedule.next_run = schedules.next_run(schedule)
        schedule.last_run = schedules.last_run(schedule)
        schedule.result = schedules.result_in_words(schedule)
        schedule.hour = schedules.single(crontab.hour, 0, 23) if crontab else None
        schedule.minute = schedules.single(crontab.minute, 0, 59) if crontab else None
        schedule.day = schedules.single(crontab.day_of_month, 1, 28) if crontab else None
        schedule.months = (schedules.months_of(crontab) or list(MONTHS)) if crontab else []
    return page


def round_choices(page, cooperative):
    """The round's lab, standard and coverage in words and what its form offers: the labs
    serving the cooperative and the current standards, those that concern it first. Two
    queries when the round is on the page (a third only for a standard no longer current)."""
    rounds = [row for row in page if row.kind == Schedule.Kind.ROUND]
    if not rounds:
        return [], []
    labs = list(TestingInstitution.objects.filter(cooperatives=cooperative).order_by("pk"))
    standards = list(schedules.current_standards(cooperative))
    labs_by_pk = {lab.pk: lab for lab in labs}
    standards_by_pk = {standard.pk: standard for standard in standards}
    for row in rounds:
        row.settings = schedules.round_settings(row)
        row.lab = labs_by_pk.get(row.settings["lab"])
        row.standard = standards_by_pk.get(row.settings["standard"])
        if row.standard is None and row.settings["standard"] is not None:
            row.standard = Standard.objects.filter(pk=row.settings["standard"]).first()
        row.coverage = schedules.coverage_in_words(
            row.settings["coverage"] / 100 if row.settings["coverage"] is not None else None
        )
        # A lone lab is the one to choose.
        row.lab_choice = row.settings["lab"] or (labs[0].pk if len(labs) == 1 else None)
    return labs, standards


def render_page(request, errors=None, failed=None, status=200, given=None, verb=""):
    """The schedules page; ``errors`` of step ``verb`` on schedule ``failed`` are drawn inside
    that step's form, beside its button."""
    cooperative = request.cooperative
    page = page_of(request, schedules.schedules_of(cooperative))
    labs, standards = round_choices(page, cooperative)
    changes = list(schedules.recent_changes(cooperative))
    for change in changes:
        change.job, change.said, change.detail = schedules.change_in_words(change)
    return render(
        request,
        "supervision/schedules.html",
        {
            "cooperative": cooperative,
            "page": rows_of(page),
            "may_manage": schedules.may_manage(request.user, cooperative),
            "changes": changes,
            "months": MONTHS,
            "days": DAYS,
            "errors": errors or [],
            "failed": failed,
            "failed_verb": verb,
            "labs": labs,
            "standards": standards,
            "given": given,
        },
        status=status,
    )


@role_required(is_staff)
def schedule_list(request, coop_slug):
    return render_page(request)


def reschedule_input(post):
    """The page's form as ``RescheduleInput`` reads it: every field is on the form, so no
    month ticked is no month (refused), and the empty day is every day."""
    data = {"months": post.getlist("months")}
    for name in ["hour", "minute", "day_of_month"]:
        value = post.get(name, "")
        data[name] = None if value == "" and name == "day_of_month" else value
    return RescheduleInput(data=data)


def flat(said):
    """A field's messages as one line (a list's are per item: ``{0: [...]}``)."""
    if isinstance(said, dict):
        return " ".join(flat(value) for value in said.values())
    if isinstance(said, (list, tuple)):
        return " ".join(flat(value) for value in said)
    return str(said)


@role_required(is_staff)
@require_POST
def schedule_step(request, coop_slug, pk, verb):
    """Take a step from the page; bad input shows the page again (400) naming the field."""
    if verb not in DONE:
        raise Http404
    schedule = get_object_or_404(Schedule.objects.all(), pk=pk)
    actor = request.user
    if verb == "pause":
        step = lambda: schedules.pause_schedule(schedule=schedule, actor=actor)  # noqa: E731
    elif verb == "resume":
        step = lambda: schedules.resume_schedule(schedule=schedule, actor=actor)  # noqa: E731
    elif verb == "run":
        step = lambda: schedules.run_schedule(schedule=schedule, actor=actor)  # noqa: E731
    elif verb == "set_round":
        return set_round(request, schedule)
    else:
        given = reschedule_input(request.POST)
        if not given.is_valid():
            errors = [
                f"{given.fields[name].label}: {flat(said)}" if name in given.fields else flat(said)
                for name, said in given.errors.items()
            ]
            return render_page(request, errors, schedule.pk, 400, verb=verb)
        data = given.validated_data
        step = lambda: schedules.reschedule(schedule=schedule, actor=actor, **data)  # noqa: E731
    # A refusal shows the page again with it beside the button that asked (nothing was done).
    try:
        step()
    except (Refused, ValidationError) as refusal:
        return render_page(request, refusal_lines(refusal), schedule.pk, 400, verb=verb)
    messages.success(
        request,
        _("%(job)s: %(done)s.") % {"job": schedule.get_kind_display(), "done": DONE[verb]},
    )
    return redirect("schedules", coop_slug=coop_slug)


def refusal_lines(refusal):
    """A service's refusal or broken rule as the lines the page shows beside the form."""
    if isinstance(refusal, Refused):
        return [refusal.message]
    return list(refusal.messages)


def error_lines(fields, errors):
    return [
        f"{fields[name].label}: {flat(said)}" if name in fields else flat(said)
        for name, said in errors.items()
    ]


def set_round(request, schedule):
    """The round's settings from the page: bad input, or a lab or standard the service does
    not take, shows the page again (400) naming the field, with what was given kept."""
    given = RoundInput(data=request.POST)
    if not given.is_valid():
        errors = error_lines(given.fields, given.errors)
        return render_page(request, errors, schedule.pk, 400, request.POST, "set_round")
    try:
        schedules.set_round(schedule=schedule, actor=request.user, **given.validated_data)
    except ValidationError as error:
        errors = error_lines(given.fields, error.message_dict)
        return render_page(request, errors, schedule.pk, 400, request.POST, "set_round")
    except Refused as refusal:
        return render_page(request, [refusal.message], schedule.pk, 400, request.POST, "set_round")
    else:
        messages.success(
            request,
            _("%(job)s: %(done)s.")
            % {"job": schedule.get_kind_display(), "done": DONE["set_round"]},
        )
    return redirect("schedules", coop_slug=request.resolver_match.kwargs["coop_slug"])

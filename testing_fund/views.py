"""The testing fund's pages: an enterprise requests and follows its tests, a lab works through
its samples, staff approve, verify and report, keep the fund, plan rounds and read figures.
Every step is taken through its declared workflow, as in the API."""

import math

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from coop import attachments, services, xlsx
from coop.access import role_required
from coop.errors import Refused
from coop.models import Document
from coop.pages import (
    PAGE_SIZE,
    history_of,
    page_of,
    run_step,
    save_or_report,
    step_forms,
    step_tag,
    take_from_page,
)
from coop.pagination import QuerysetByIds
from coop.periods import asked_year
from coop.roles import is_administrator, is_enterprise, is_lab, is_staff
from members.models import Member
from standards.models import Indicator
from testing_fund import round_words, statistics
from testing_fund.bulk_views import sampling_section
from testing_fund.forms import (
    AdjustmentForm,
    AppropriationForm,
    BatchRequestForm,
    QuotaForm,
    RoundForm,
    StandardChoiceForm,
)
from testing_fund.models import Batch, Fund, LedgerEntry, SamplingRound
from testing_fund.selectors import (
    LAB_STATES,
    NARROWING,
    STAFF_STATES,
    batches_for,
    filtered,
    state_counts,
    with_priority,
    worklist_state,
)
from testing_fund.services import batches, rounds
from testing_fund.services import fund as money

# The names of what a link narrows the batch list by, as the page shows them.
NARROWED_LABELS = {
    "round": pgettext_lazy("narrowed by", "round"),
    "year": pgettext_lazy("narrowed by", "year reported"),
    "town": pgettext_lazy("narrowed by", "town"),
    "chain_role": pgettext_lazy("narrowed by", "role in the chain"),
    "passed": pgettext_lazy("narrowed by", "verdict"),
    "indicator": pgettext_lazy("narrowed by", "failed indicator"),
}


def sees_batches(user):
    return user.is_authenticated and (is_staff(user) or is_enterprise(user) or is_lab(user))


# Batches: every role, each seeing its own


def narrowed_in_words(params):
    """What a link narrowed the list by, as the page says it: the filter's name and its value in
    words (not ``passed = false``). The indicator, given by its code, is named: one query, only
    when a link narrows by it (the problem map's and the chain map's cells)."""
    said = []
    for name in NARROWING:
        value = params.get(name)
        if name == "status" or not value:
            continue
        if name == "passed":
            words = {"true": _("passed"), "false": _("failed")}.get(value, value)
        elif name == "chain_role" and value in Member.ChainRole.values:
            words = Member.ChainRole(value).label
        elif name == "indicator":
            found = Indicator.objects.filter(code=value).first()
            words = found.name if found else value
        else:
            words = value
        said.append((NARROWED_LABELS[name], words))
    return said


@role_required(sees_batches)
def batch_list(request, coop_slug):
    """Staff see the cooperative's batches, an enterprise its own, a lab those it tests. Staff
    and labs open on the work still under way, the earliest due first; an enterprise on all its
    tests, since its reports are what it comes for. Requests awaiting approval (``?status=
    requested``) come in priority order."""
    status = request.GET.get("status", "")
    mine = batches_for(request.user).select_related("member").prefetch_related(None)
    state = worklist_state(
        STAFF_STATES, request.GET, "all" if is_enterprise(request.user) else "open"
    )
    rows = state.rows(filtered(mine, request.GET))
    if status == Batch.Status.REQUESTED:
        rows = with_priority(rows).order_by("-priority", "requested_at", "pk")
    narrowed = narrowed_in_words(request.GET)
    states = tabs(STAFF_STATES, mine, shown=None if narrowed or status else state)
    # The page's ids first, then its rows: a deep page reads no row it skips (each default
    # order has its index, testing_fund/models.py). Unnarrowed, its count is its tab's.
    pages = QuerysetByIds(rows, PAGE_SIZE)
    if not narrowed and not status:
        pages.count = next(count for each, count, _shown in states if each == state)
    return render(
        request,
        "testing_fund/batch_list.html",
        {
            "cooperative": request.cooperative,
            "page": pages.get_page(request.GET.get("page")),
            "status": status,
            "statuses": Batch.Status.choices,
            "state": state.name,
            "states": states,
            "may_request": is_enterprise(request.user) or is_administrator(request.user),
            "may_approve": is_administrator(request.user),
            "narrowed": narrowed,
        },
    )


def tabs(states, batches, shown):
    """The list's tabs: each state with its count (one query), and whether it is shown."""
    counts = state_counts(states, batches)
    return [(each, counts[each.name], each == shown) for each in states]


@role_required(lambda user: is_enterprise(user) or is_administrator(user))
def batch_request(request, coop_slug):
    """Two steps: choose the standard, then the product, lab and the standard's indicators."""
    cooperative = request.cooperative
    # The enterprise sees its free tests left before sending; staff see each member's beside
    # its name in the form's choice, and may mark the request paid by the member.
    free_left = quota = members_left = None
    year = timezone.localdate().year
    if is_enterprise(request.user):
        free_left, quota = batches.free_batches(request.user.member, year)
    choice = StandardChoiceForm(request.GET or None, cooperative=cooperative)
    if not choice.is_valid():
        return render(
            request,
            "testing_fund/batch_request.html",
            {"cooperative": cooperative, "choice": choice, "free_left": free_left, "quota": quota},
        )
    standard = choice.cleaned_data["standard"]
    for_staff = not is_enterprise(request.user)
    if for_staff:
        members_left = batches.free_batches_by_member(cooperative, year)
    form = BatchRequestForm(
        request.POST or None,
        cooperative=cooperative,
        standard=standard,
        for_staff=for_staff,
        free_left=free_left,
        members_left=members_left,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member") if for_staff else request.user.member
        indicators = list(data.pop("indicators")) or None
        batch = save_or_report(
            form,
            lambda: batches.request_batch(
                member=member,
                actor=request.user,
                standard=standard,
                indicators=indicators,
                **data,
            ),
        )
        if batch:
            messages.success(request, _("Requested. Staff will approve it or say why not."))
            return redirect("batch-detail", coop_slug=coop_slug, pk=batch.pk)
    return render(
        request,
        "testing_fund/batch_request.html",
        {
            "cooperative": cooperative,
            "choice": choice,
            "standard": standard,
            "form": form,
            "free_left": free_left,
            "quota": quota,
        },
    )


@role_required(sees_batches)
def batch_detail(request, coop_slug, pk):
    batch = get_object_or_404(
        batches_for(request.user).select_related(
            "member",
            "rectification",
            "objection",
            "entered_by",
            "verified_by",
            "reinspection_of",
            "retest_of",
        ),
        pk=pk,
    )
    # Every edition of the report, newest first: an amended one replaces, the old stays listed.
    editions = list(
        Document.objects.filter(
            kind=Document.Kind.TEST_REPORT, source_id=batch.pk, member=batch.member_id
        )
        .select_related("replaces")
        .order_by("-edition")
    )
    report = editions[0] if editions else None
    # Listed once there is more than the one valid edition to tell apart.
    listed = editions if len(editions) > 1 or (report and report.status != "valid") else []
    sheet = Document.objects.filter(
        kind=Document.Kind.SAMPLING_SHEET, source_id=batch.pk, member=batch.member_id
    ).first()
    rectification = getattr(batch, "rectification", None)
    return render(
        request,
        "testing_fund/batch_detail.html",
        {
            "cooperative": request.cooperative,
            "batch": batch,
            "step_forms": batch_step_forms(request.user, batch, coop_slug),
            "report": report if report and report.file else None,
            "sheet": sheet if sheet and sheet.file else None,
            "photos": attachments.of(batch),
            "evidence": attachments.of(rectification) if rectification else [],
            "history": batch_history(batch),
            "reinspections": batch.reinspections.all(),
            "editions": listed,
            "retests": batch.retests.all(),
            "is_staff": is_staff(request.user),
        },
    )


def related_rows(batch):
    """The batch's rows with workflows of their own, shown and stepped on its page."""
    return [
        (batches.RECTIFICATION, getattr(batch, "rectification", None)),
        (batches.REPORT_OBJECTION, getattr(batch, "objection", None)),
    ]


def batch_step_forms(user, batch, coop_slug):
    """The forms of the steps the user may take now on the batch, its rectification notice
    and its report's objection; each posts to the batch's step address."""

    def url_of(verb):
        return reverse("batch-step", args=[coop_slug, batch.pk, verb])

    forms = step_forms(user, batches.BATCH, batch, url_of)
    for workflow, row in related_rows(batch):
        if row is not None:
            forms += step_forms(user, workflow, row, url_of)
    return forms


def batch_history(batch):
    """The batch's steps, with those of its rectification notice and of its report's
    objection, in the order they were taken."""
    events = history_of(batches.BATCH, batch)
    for workflow, row in related_rows(batch):
        if row is not None:
            events += history_of(workflow, row)
    return sorted(events, key=lambda event: (event.at, event.pk))


@require_POST
@role_required(sees_batches)
def batch_step(request, coop_slug, pk, verb):
    batch = get_object_or_404(batches_for(request.user), pk=pk)
    try:
        workflow, row = batches.step_of(batch, verb)
    except Refused as refusal:
        messages.error(request, refusal.message, extra_tags=step_tag(verb))
        return redirect("batch-detail", coop_slug=coop_slug, pk=pk)
    made = take_from_page(request, workflow, row, verb, step_data(request.POST, request.FILES))
    if verb == "reinspect" and made is not None:  # the new batch is the next page
        again = batches.newest_reinspection(batch)
        return redirect("batch-detail", coop_slug=coop_slug, pk=again.pk)
    return redirect("batch-detail", coop_slug=coop_slug, pk=pk)


def step_data(post, files=None):
    """A step's form as its input reads it: readings come as ``value-<indicator code>``, and
    files as a list per field."""
    data = {
        name: value
        for name, value in post.items()
        if not name.startswith("value-") and name != "csrfmiddlewaretoken"
    }
    data["values"] = {
        name.removeprefix("value-"): value
        for name, value in post.items()
        if name.startswith("value-")
    }
    for name in ("due_on", "tested_from", "tested_until"):
        if not data.get(name):
            data.pop(name, None)  # an empty date is no date
    for name in files or {}:
        data[name] = files.getlist(name)
    return data


# A lab's worklist, over every cooperative it serves


@role_required(is_lab)
def lab_worklist(request):
    """The lab's samples in every cooperative it serves. It opens on the lab's work to do (to
    receive, results to enter, to verify), the earliest due first and so the overdue on top;
    what is done at the lab, or every batch, when asked (``?state=closed``, ``?state=all``)."""
    status = request.GET.get("status", "")
    mine = batches_for(request.user).select_related("member", "cooperative").prefetch_related(None)
    state = worklist_state(LAB_STATES, request.GET)
    rows = state.rows(filtered(mine, request.GET))
    return render(
        request,
        "testing_fund/lab_worklist.html",
        {
            "page": page_of(request, rows),
            "status": status,
            "statuses": Batch.Status.choices,
            "state": state.name,
            "states": tabs(LAB_STATES, mine, shown=None if status else state),
        },
    )


# The fund


@role_required(is_staff)
def fund_page(request, coop_slug):
    """A year's fund: money in and out, spending by month, indicator and member, the ledger;
    administrators record appropriations and adjustments and set the free quota."""
    cooperative, year = request.cooperative, asked_year(request.GET)
    fund = Fund.objects.filter(year=year).first()
    forms = fund_forms(request, fund)
    if request.method == "POST" and fund_post(request, fund, forms):
        return redirect(f"{request.path}?year={year}")
    members = page_of(request, statistics.spending_by_member(cooperative.pk, year), 20)
    members.object_list = statistics.spent_rows(list(members.object_list))
    ledger = LedgerEntry.objects.filter(fund=fund).select_related("batch", "actor")
    return render(
        request,
        "testing_fund/fund.html",
        {
            "cooperative": cooperative,
            "year": year,
            "fund": fund,
            "totals": statistics.spending(cooperative.pk, year),
            "by_month": statistics.spending_by_month(cooperative.pk, year),
            "by_indicator": statistics.spending_by_indicator(cooperative.pk, year),
            "by_member": members,
            "ledger": page_of(request, ledger.order_by("-at", "-pk"), 20, "ledger_page")
            if fund
            else None,
            "appropriations": fund.appropriations.all() if fund else [],
            "may_administer": is_administrator(request.user),
            **forms,
        },
    )


def fund_forms(request, fund):
    def bound(name):
        return request.POST if request.POST.get("form") == name else None

    return {
        "appropriation_form": AppropriationForm(bound("appropriation")),
        "adjustment_form": AdjustmentForm(bound("adjustment")),
        "quota_form": QuotaForm(
            bound("quota"), initial={"free_quota": fund.free_quota if fund else 3}
        ),
    }


def fund_post(request, fund, forms):
    """Save whichever form was sent; True when it was saved. The form is checked first; a
    year's fund not opened yet is opened in the transaction of what is saved, so a refused
    form leaves no empty fund behind."""
    if not is_administrator(request.user):
        messages.error(request, _("Only a cooperative administrator changes the fund."))
        return False
    name = request.POST.get("form")
    form = forms.get(f"{name}_form")
    if form is None or not form.is_valid():
        return False
    year = asked_year(request.GET)
    act = {
        "appropriation": lambda fund: money.appropriate(
            fund=fund, actor=request.user, **form.cleaned_data
        ),
        "adjustment": lambda fund: money.adjust(fund=fund, actor=request.user, **form.cleaned_data),
        "quota": lambda fund: services.update_owned(
            fund, actor=request.user, free_quota=form.cleaned_data["free_quota"]
        ),
    }[name]

    @transaction.atomic
    def save():
        return act(fund or money.open_fund(cooperative=request.cooperative, year=year))

    if save_or_report(form, save):
        messages.success(request, _("Saved."))
        return True
    return False


# Sampling rounds


@role_required(is_staff)
def round_list(request, coop_slug):
    form = RoundForm(request.POST or None, cooperative=request.cooperative)
    if request.method == "POST":
        if not is_administrator(request.user):
            messages.error(request, _("Only a cooperative administrator plans a round."))
        elif form.is_valid():
            planned = save_or_report(
                form,
                lambda: rounds.preview_round(
                    cooperative=request.cooperative, actor=request.user, **form.cleaned_data
                ),
            )
            if planned:
                return redirect("round-detail", coop_slug=coop_slug, pk=planned.pk)
    listed = SamplingRound.objects.select_related("lab", "standard").defer("inputs", "selection")
    return render(
        request,
        "testing_fund/round_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, listed),
            "form": form,
            "may_administer": is_administrator(request.user),
        },
    )


@role_required(is_staff)
def round_detail(request, coop_slug, pk):
    """A round's selection, each member with its weight and the reasons it was drawn."""
    sampling_round = get_object_or_404(
        SamplingRound.objects.select_related("lab", "standard"), pk=pk
    )
    if request.method == "POST":
        if not is_administrator(request.user):
            messages.error(request, _("Only a cooperative administrator confirms a round."))
        elif run_step(
            request,
            lambda: rounds.confirm_round(sampling_round=sampling_round, actor=request.user),
            "confirm",
        ):
            messages.success(request, _("Confirmed: the batches and reservations are booked."))
        return redirect("round-detail", coop_slug=coop_slug, pk=pk)
    page = page_of(request, sampling_round.selection)
    reasons = round_words.selection_in_words(sampling_round, page)
    names = dict(
        Member.objects.filter(pk__in=[row["member"] for row in page]).values_list("pk", "name")
    )
    return render(
        request,
        "testing_fund/round_detail.html",
        {
            "cooperative": request.cooperative,
            "round": sampling_round,
            "page": page,
            "rows": [
                dict(row, name=names.get(row["member"], ""), reasons=reasons[row["member"]])
                for row in page
            ],
            "candidates": len(sampling_round.inputs),
            "may_administer": is_administrator(request.user),
            "sampling": sampling_section(request, sampling_round),
        },
    )


def named(rows, key, show=str):
    """Rows of pass rates with the ``name`` the page shows for each."""
    return [dict(row, name=show(row[key]) if row[key] else "") for row in rows]


def quarter(day):
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@role_required(is_staff)
def statistics_page(request, coop_slug):
    year = asked_year(request.GET)
    figures = statistics.cooperative_statistics(request.cooperative.pk, year)
    return render(
        request,
        "testing_fund/statistics.html",
        {
            "cooperative": request.cooperative,
            "year": year,
            "figures": figures,
            "quarters": named(figures["by_quarter"], "quarter", quarter),
            "categories": named(figures["by_category"], "category__name_zh"),
            "districts": named(figures["by_district"], "member__district__name_zh"),
            "towns": named(figures["by_town"], "member__town"),
            "indicators": named(figures["by_indicator"], "indicator__name_zh"),
        },
    )


def heat(failures, top):
    """A cell's failures and its shade, 0 (none) to 4 (the most in the table)."""
    return failures, math.ceil(4 * failures / top) if top else 0


@role_required(is_staff)
def problem_map(request, coop_slug):
    """Failures by town and indicator as a heat table, and members and failures by their role
    in the industry chain; every figure links to the batches behind it."""
    year = asked_year(request.GET)
    cells = statistics.problem_map(request.cooperative.pk, year)
    towns = sorted({cell["town"] for cell in cells})
    indicators = sorted({(cell["indicator"], cell["indicator_name"]) for cell in cells})
    failures = {(cell["town"], cell["indicator"]): cell["failures"] for cell in cells}
    top = max(failures.values(), default=0)
    return render(
        request,
        "testing_fund/problem_map.html",
        {
            "cooperative": request.cooperative,
            "year": year,
            "indicators": indicators,
            "rows": [
                (
                    town,
                    [(code, *heat(failures.get((town, code), 0), top)) for code, _n in indicators],
                )
                for town in towns
            ],
            "chain": statistics.by_chain_role(request.cooperative.pk, year),
        },
    )


@role_required(is_staff)
def problem_map_xlsx(request, coop_slug):
    year = asked_year(request.GET)
    cooperative_id = request.cooperative.pk
    return xlsx.download(
        [
            (
                _("Failures by town and indicator"),
                [_("Town"), _("Indicator"), _("Failures")],
                [
                    [cell["town"], cell["indicator_name"], cell["failures"]]
                    for cell in statistics.problem_map(cooperative_id, year)
                ],
            ),
            (
                _("The industry chain"),
                [_("Role in the chain"), _("Active members"), _("Batches"), _("Failed")],
                [
                    [str(row["label"]), row["members"], row["batches"], row["failed"]]
                    for row in statistics.by_chain_role(cooperative_id, year)
                ],
            ),
        ],
        f"{coop_slug}-problems-{year}.xlsx",
    )

"""The testing fund's pages: an enterprise requests and follows its tests, a lab works through
its samples, staff approve, verify and report, keep the fund, plan rounds and read figures.
Every step goes through the same services and step table as the API."""

import math

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coop import services, xlsx
from coop.access import is_staff_of_cooperatives, may_administer, role_required
from coop.models import AuditRecord, Document, Role
from coop.owned import is_enterprise
from coop.pages import asked_year, page_of, run_step, save_or_report, take_on_page
from coop.steps import due_steps
from members.models import Member
from testing_fund import statistics
from testing_fund.forms import (
    AdjustmentForm,
    AppropriationForm,
    BatchRequestForm,
    QuotaForm,
    RoundForm,
    StandardChoiceForm,
)
from testing_fund.models import Batch, Fund, LedgerEntry, SamplingRound
from testing_fund.selectors import batches_for, filtered, with_priority
from testing_fund.services import batches, rounds
from testing_fund.services import fund as money
from testing_fund.steps import STEPS, StepInput

Status = Batch.Status
# A batch's audit actions as its history says them.
HISTORY = {
    **{
        f"batch_{action}": status.label
        for action, status in [
            ("request", Status.REQUESTED),
            ("approve", Status.APPROVED),
            ("reject", Status.REJECTED),
            ("cancel", Status.CANCELLED),
            ("sample", Status.SAMPLED),
            ("receive", Status.RECEIVED),
            ("enter", Status.ENTERED),
            ("verify", Status.VERIFIED),
            ("report", Status.REPORTED),
            ("close", Status.CLOSED),
        ]
    },
    "batch_rectification_notice": gettext_lazy("rectification notice sent"),
    "batch_rectification_answer": gettext_lazy("rectification answered"),
    "batch_objection": gettext_lazy("objection filed"),
    "batch_objection_decision": gettext_lazy("objection decided"),
}


def history_of(batch):
    records = AuditRecord.objects.filter(object_type="testing_fund.batch", object_id=batch.pk)
    return [
        (record.at, HISTORY.get(record.action, record.action), record.reason, record.actor)
        for record in records.select_related("actor").order_by("at", "pk")
    ]


def sees_batches(user):
    return user.is_authenticated and (
        is_staff_of_cooperatives(user) or is_enterprise(user) or user.role == Role.LAB_TECHNICIAN
    )


def is_lab(user):
    return user.is_authenticated and user.role == Role.LAB_TECHNICIAN


# Batches: every role, each seeing its own


@role_required(sees_batches)
def batch_list(request, coop_slug):
    """Staff see the cooperative's batches (requests awaiting approval in priority order), an
    enterprise its own, a lab those it tests."""
    status = request.GET.get("status", "")
    rows = filtered(
        batches_for(request.user).select_related("member").prefetch_related(None), request.GET
    )
    if status == Batch.Status.REQUESTED:
        rows = with_priority(rows).order_by("-priority", "requested_at")
    return render(
        request,
        "testing_fund/batch_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, rows),
            "status": status,
            "statuses": Batch.Status.choices,
            "may_request": is_enterprise(request.user) or may_administer(request.user),
            "narrowed": [
                (name, request.GET[name])
                for name in ("year", "town", "indicator", "chain_role", "passed", "round")
                if request.GET.get(name)
            ],
        },
    )


@role_required(lambda user: is_enterprise(user) or may_administer(user))
def batch_request(request, coop_slug):
    """Two steps: choose the standard, then the product, lab and the standard's indicators."""
    cooperative = request.cooperative
    choice = StandardChoiceForm(request.GET or None, cooperative=cooperative)
    if not choice.is_valid():
        return render(
            request,
            "testing_fund/batch_request.html",
            {"cooperative": cooperative, "choice": choice},
        )
    standard = choice.cleaned_data["standard"]
    for_staff = not is_enterprise(request.user)
    form = BatchRequestForm(
        request.POST or None, cooperative=cooperative, standard=standard, for_staff=for_staff
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
        {"cooperative": cooperative, "choice": choice, "standard": standard, "form": form},
    )


@role_required(sees_batches)
def batch_detail(request, coop_slug, pk):
    batch = get_object_or_404(
        batches_for(request.user).select_related(
            "member", "rectification", "objection", "entered_by", "verified_by", "reinspection_of"
        ),
        pk=pk,
    )
    report = Document.objects.filter(
        kind=Document.Kind.TEST_REPORT, source_id=batch.pk, member=batch.member_id
    ).first()
    return render(
        request,
        "testing_fund/batch_detail.html",
        {
            "cooperative": request.cooperative,
            "batch": batch,
            "steps": [(verb, STEPS[verb]) for verb in due_steps(request.user, batch, STEPS)],
            "report": report if report and report.file else None,
            "history": history_of(batch),
            "reinspections": batch.reinspections.all(),
            "is_staff": is_staff_of_cooperatives(request.user),
        },
    )


@require_POST
@role_required(sees_batches)
def batch_step(request, coop_slug, pk, verb):
    batch = get_object_or_404(batches_for(request.user), pk=pk)
    given = StepInput(data=step_data(request.POST, batch))
    outcome = take_on_page(request, batch, STEPS.get(verb), given)
    if verb == "reinspect" and outcome is not None:  # the new batch is the next page
        return redirect("batch-detail", coop_slug=coop_slug, pk=outcome.pk)
    return redirect("batch-detail", coop_slug=coop_slug, pk=pk)


def step_data(post, batch):
    """A step's form as the step input reads it: readings come as ``value-<indicator code>``."""
    data = {name: value for name, value in post.items() if not name.startswith("value-")}
    data["values"] = {
        name.removeprefix("value-"): value
        for name, value in post.items()
        if name.startswith("value-")
    }
    data["backup_kept"] = "backup_kept" in post
    data["upheld"] = post.get("upheld") == "1"
    data["due_on"] = post.get("due_on") or None
    data.pop("csrfmiddlewaretoken", None)
    return data


# A lab's worklist, over every cooperative it serves


@role_required(is_lab)
def lab_worklist(request):
    status = request.GET.get("status", "")
    rows = batches_for(request.user).select_related("member", "cooperative").prefetch_related(None)
    if status in Batch.Status.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "testing_fund/lab_worklist.html",
        {
            "page": page_of(request, rows.order_by("due_on", "requested_at", "pk")),
            "status": status,
            "statuses": Batch.Status.choices,
        },
    )


# The fund


@role_required(is_staff_of_cooperatives)
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
            "may_administer": may_administer(request.user),
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
    """Save whichever form was sent; True when it was saved."""
    if not may_administer(request.user):
        messages.error(request, _("Only a cooperative administrator changes the fund."))
        return False
    if fund is None:
        fund, _created = Fund.objects.get_or_create(
            cooperative=request.cooperative, year=asked_year(request.GET)
        )
    name = request.POST.get("form")
    form = forms.get(f"{name}_form")
    if form is None or not form.is_valid():
        return False
    save = {
        "appropriation": lambda: money.appropriate(
            fund=fund, actor=request.user, **form.cleaned_data
        ),
        "adjustment": lambda: money.adjust(fund=fund, actor=request.user, **form.cleaned_data),
        "quota": lambda: services.update_owned(
            fund, actor=request.user, free_quota=form.cleaned_data["free_quota"]
        ),
    }[name]
    if save_or_report(form, save):
        messages.success(request, _("Saved."))
        return True
    return False


# Sampling rounds


@role_required(is_staff_of_cooperatives)
def round_list(request, coop_slug):
    form = RoundForm(request.POST or None, cooperative=request.cooperative)
    if request.method == "POST":
        if not may_administer(request.user):
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
            "may_administer": may_administer(request.user),
        },
    )


@role_required(is_staff_of_cooperatives)
def round_detail(request, coop_slug, pk):
    """A round's selection, each member with its weight and the reasons it was drawn."""
    sampling_round = get_object_or_404(
        SamplingRound.objects.select_related("lab", "standard"), pk=pk
    )
    if request.method == "POST":
        if not may_administer(request.user):
            messages.error(request, _("Only a cooperative administrator confirms a round."))
        elif run_step(
            request,
            lambda: rounds.confirm_round(sampling_round=sampling_round, actor=request.user),
        ):
            messages.success(request, _("Confirmed: the batches and reservations are booked."))
        return redirect("round-detail", coop_slug=coop_slug, pk=pk)
    page = page_of(request, sampling_round.selection)
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
            "rows": [dict(row, name=names.get(row["member"], "")) for row in page],
            "candidates": len(sampling_round.inputs),
            "may_administer": may_administer(request.user),
        },
    )


def named(rows, key, show=str):
    """Rows of pass rates with the ``name`` the page shows for each."""
    return [dict(row, name=show(row[key]) if row[key] else "") for row in rows]


def quarter(day):
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@role_required(is_staff_of_cooperatives)
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


@role_required(is_staff_of_cooperatives)
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


@role_required(is_staff_of_cooperatives)
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

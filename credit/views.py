"""The credit pages: the public registry, member pages, credit list, announcements, the
complaint form and its tracking; members' commitments, complaints and assessments; the
staff's review, grading and enforcement. Steps are taken through the workflows' declarations,
the same the API takes them through; the rows a user may see come from ``credit.selectors``."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import throttle, xlsx
from coop.access import public_view, role_required
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
from coop.pagination import CappedPageByIds, QuerysetByIds
from coop.roles import is_administrator, is_enterprise, is_staff, is_staff_or_enterprise
from credit import announcements as notice_results
from credit import exports, selectors
from credit.evidence import evidence_response
from credit.forms import (
    CommitmentForm,
    ComplaintForm,
    InspectionForm,
    OrderForm,
    PeriodForm,
    ScoringForm,
    TrackingForm,
    ViolationForm,
)
from credit.models import (
    Announcement,
    Assessment,
    AssessmentObjection,
    Commitment,
    Complaint,
    CreditGrade,
)
from credit.services import assessments, commitments, complaints, enforcement, grading

# The public


def registry(request):
    """The registry of published commitments in force, in every cooperative."""
    query = request.GET.get("q", "")
    # The page's ids first, then its rows (their certificates read for 50 rows, not for every
    # row skipped), counted no further than ten pages on (a broad search does not count the
    # province): the caption then says "more than".
    ids = selectors.commitment_registry(query).values_list("pk", flat=True)
    pages = CappedPageByIds(ids, PAGE_SIZE, selectors.registry_rows)
    return render(
        request,
        "credit/registry.html",
        {"page": pages.get_page(request.GET.get("page")), "query": query},
    )


@public_view
def member_page(request, coop_slug, pk):
    member = selectors.public_member_page(pk)
    return render(
        request,
        "credit/member_page.html",
        {
            "cooperative": request.cooperative,
            "page_of_member": member,
            "factors": selectors.labelled(member.grade.factors) if member.grade else [],
        },
    )


@public_view
def complain(request, coop_slug, pk):
    member = selectors.public_member(pk)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not throttle.allow(
        request, "complaint", complaints.PER_HOUR, 3600
    ):
        form.add_error(None, _("Too many complaints from your address; try again later."))
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("evidence")
        filed = save_or_report(
            form,
            lambda: complaints.file_complaint(
                member=member, evidence=upload.read() if upload else None, **data
            ),
        )
        if filed:
            # Post/redirect/get: the tracking page, by its code (the only key to the complaint,
            # unguessable, and what the complainant keeps), so a refresh shows the complaint
            # again instead of filing a second one. The session says it was just filed, once.
            request.session[JUST_FILED] = filed.tracking_code
            response = redirect(f"{reverse('track')}?{urlencode({'code': filed.tracking_code})}")
            response.status_code = 303  # See Other: the browser follows with a GET
            return response
    return render(
        request,
        "credit/complain.html",
        {
            "cooperative": request.cooperative,
            "member": member,
            "form": form,
            "handling_days": complaints.HANDLING_DAYS,
        },
    )


JUST_FILED = "complaint_just_filed"


def track(request):
    """A complaint as its complainant follows it, by the tracking code; right after filing it
    (``complain``'s redirect) it says the complaint was received and to keep the code."""
    form = TrackingForm(request.GET or None)
    complaint = selectors.tracked_complaint(form.data["code"]) if form.is_valid() else None
    just_filed = (
        complaint is not None and request.session.get(JUST_FILED) == complaint.tracking_code
    )
    if just_filed:
        del request.session[JUST_FILED]
    return render(
        request,
        "credit/track.html",
        {
            "form": form,
            "complaint": complaint,
            "asked": form.is_bound,
            "just_filed": just_filed,
            "handling_days": complaints.HANDLING_DAYS,
        },
        status=404 if form.is_bound and complaint is None else 200,
    )


@public_view
def credit_list(request, coop_slug):
    """The cooperative's members by grade; ``?grade=`` keeps one grade (an unknown one is a 400
    naming it), and an empty answer says what to try."""
    asked = selectors.asked_grade(request.GET)
    grades = selectors.public_credit_list()
    distribution = dict(grades.values_list("grade").annotate(n=Count("*")).order_by())
    if asked:
        grades = grades.filter(grade=asked)
    # The distribution has counted them already: the list does not count them again.
    pages = Paginator(grades, PAGE_SIZE)
    pages.count = distribution.get(asked, 0) if asked else sum(distribution.values())
    return render(
        request,
        "credit/credit_list.html",
        {
            "cooperative": request.cooperative,
            "page": pages.get_page(request.GET.get("page")),
            "distribution": [(grade, distribution.get(grade, 0)) for grade in grading.GRADES],
            "asked_grade": asked,
            "meanings": grading.MEANINGS,
        },
    )


NAMED = 20  # members an assessment's notice names in the list; its own page names all


@public_view
def announcements(request, coop_slug):
    """The cooperative's notices, newest first; an assessment's names the members whose result
    was not kept (up to ``NAMED``) and links its page, which lists every member. Three queries."""
    page = page_of(request, Announcement.objects.all())
    named = {}
    for row in notice_results.results_of(
        [notice.pk for notice in page], exclude=notice_results.Result.FULFILLED
    ):
        named.setdefault(row.announcement_id, []).append(row)
    for notice in page:
        rows = named.get(notice.pk, [])
        notice.named, notice.more = rows[:NAMED], max(len(rows) - NAMED, 0)
    return render(
        request, "credit/announcements.html", {"cooperative": request.cooperative, "page": page}
    )


@public_view
def announcement_detail(request, coop_slug, pk):
    """One notice; an assessment's lists every member by name with its result (``?result=``
    narrows it), 100 a page."""
    notice = get_object_or_404(Announcement, pk=pk)
    result = request.GET.get("result", "")
    rows = notice_results.results_of([notice.pk], result=result)
    return render(
        request,
        "credit/announcement_detail.html",
        {
            "cooperative": request.cooperative,
            "notice": notice,
            "page": page_of(request, rows, 100),
            "result": result,
            "results": [
                (code, label)
                for code, label in Assessment.Result.choices
                if notice.words.get("code") == "assessment"
            ],
        },
    )


# Rows with steps: one page each, and one view that takes a step on any of them


KINDS = {
    # kind: (rows the user may see, workflow, detail page name)
    "commitments": (selectors.commitments_for, commitments.COMMITMENT, "commitment-detail"),
    "complaints": (selectors.complaints_for, complaints.COMPLAINT, "complaint-detail"),
    "assessments": (selectors.assessments_for, assessments.ASSESSMENT, "assessment-detail"),
    "objections": (selectors.objections_for, assessments.ASSESSMENT_OBJECTION, None),
    "grades": (selectors.grades_for, grading.GRADE, "grade-detail"),
    "orders": (selectors.orders_for, enforcement.ORDER, None),
    "exits": (selectors.proposals_for, enforcement.EXIT_PROPOSAL, None),
}


def by_status(request, rows, statuses, pages=Paginator):
    """A list's page, filtered by ``?status=`` when it names one of ``statuses``; ``pages``
    makes the paginator (``QuerysetByIds`` when the rows carry computed columns)."""
    status = request.GET.get("status", "")
    if status in statuses.values:
        rows = rows.filter(status=status)
    return {
        "cooperative": request.cooperative,
        "page": pages(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "statuses": statuses.choices,
    }


def forms_for(request, kind, row):
    """The forms of the steps the user may take on ``row`` now, for ``steps.html``."""
    workflow, slug = KINDS[kind][1], request.cooperative.slug
    return step_forms(
        request.user,
        workflow,
        row,
        lambda verb: reverse("credit-step", args=[slug, kind, row.pk, verb]),
    )


@require_POST
@role_required(is_staff_or_enterprise)
def take_step(request, coop_slug, kind, pk, verb):
    rows, workflow, detail = KINDS[kind]
    row = get_object_or_404(rows(request.user), pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"/c/{coop_slug}/{kind}/{pk}/" if detail else f"/c/{coop_slug}/"
    take_from_page(request, workflow, row, verb, request.POST)
    return redirect(back)


# Commitments


@role_required(is_staff_or_enterprise)
def commitment_list(request, coop_slug):
    # Ids first, then the page's rows: a commitment's certificate is read for its page's rows
    # only, not for every row an OFFSET skips, so page 300 costs what page 1 does.
    context = by_status(
        request, selectors.commitments_for(request.user), Commitment.Status, QuerysetByIds
    )
    context["may_draft"] = is_enterprise(request.user) or is_administrator(request.user)
    return render(request, "credit/commitment_list.html", context)


@role_required(lambda user: is_enterprise(user) or is_administrator(user))
def commitment_edit(request, coop_slug, pk=None):
    """Draft a commitment, or revise a draft or a returned one."""
    commitment = get_object_or_404(selectors.commitments_for(request.user), pk=pk) if pk else None
    for_staff = not is_enterprise(request.user)
    # A member's new commitment mostly repeats its last one: its text is the starting point
    # (one query; the dates are new each time). Only the member's own (its member id, within
    # the request's cooperative scope); staff pick the member on the form: nothing filled.
    previous = None
    if commitment is None and not for_staff and request.method != "POST":
        previous = (
            Commitment.objects.filter(member_id=request.user.member_id)
            .order_by("-pk")
            .values(*PREFILLED)
            .first()
        )
    form = CommitmentForm(
        request.POST or None,
        instance=commitment,
        for_staff=for_staff,
        initial=previous,
        cooperative=request.cooperative,
        member=None if for_staff else request.user.member,
    )
    if request.method == "POST" and form.is_valid():
        saved = save_or_report(form, lambda: save_commitment(request, form, commitment))
        if saved:
            messages.success(request, _("Saved. Submit it for review when it is ready."))
            return redirect("commitment-detail", coop_slug=coop_slug, pk=saved.pk)
    return render(
        request,
        "credit/commitment_form.html",
        {
            "cooperative": request.cooperative,
            "form": form,
            "commitment": commitment,
            "prefilled": bool(previous),
        },
    )


# What a new commitment takes from the member's last one: what it covers and promises.
PREFILLED = ("products", "standards", "guarantees")


def save_commitment(request, form, commitment):
    data = {name: form.cleaned_data[name] for name in commitments.FIELDS}
    if "replaces" in form.fields:  # shown when the member has commitments in force
        data["replaces"] = list(form.cleaned_data.get("replaces") or ())
    if commitment:
        fresh = Commitment.objects.get(pk=commitment.pk)  # the form wrote to its instance
        return commitments.revise(commitment=fresh, actor=request.user, **data)
    member = form.cleaned_data.get("member") or request.user.member
    return commitments.draft(member=member, actor=request.user, **data)


@role_required(is_staff_or_enterprise)
def commitment_detail(request, coop_slug, pk):
    commitment = get_object_or_404(selectors.commitments_for(request.user), pk=pk)
    editable = commitment.status in (Commitment.Status.DRAFT, Commitment.Status.RETURNED) and (
        is_administrator(request.user) or is_enterprise(request.user)
    )
    return render(
        request,
        "credit/commitment_detail.html",
        {
            "cooperative": request.cooperative,
            "commitment": commitment,
            "step_forms": forms_for(request, "commitments", commitment),
            "history": history_of(commitments.COMMITMENT, commitment),
            "editable": editable,
            # What it replaces (withdrawn when it is published), and what replaced it.
            "replaces": list(commitment.replaces.order_by("pk")),
            "replaced_by": list(
                commitment.replaced_by.filter(status=Commitment.Status.PUBLISHED).order_by("pk")
            ),
        },
    )


# Complaints


@role_required(is_staff_or_enterprise)
def complaint_list(request, coop_slug):
    # Ids first, then the page's rows with their members: with an OFFSET joined to its
    # members, a deep page read every member of the province (a hash join) instead.
    context = by_status(
        request, selectors.complaints_for(request.user), Complaint.Status, QuerysetByIds
    )
    return render(request, "credit/complaint_list.html", context)


@role_required(is_staff_or_enterprise)
def complaint_detail(request, coop_slug, pk):
    complaint = get_object_or_404(selectors.complaints_for(request.user), pk=pk)
    return render(
        request,
        "credit/complaint_detail.html",
        {
            "cooperative": request.cooperative,
            "complaint": complaint,
            "step_forms": forms_for(request, "complaints", complaint),
            "history": history_of(complaints.COMPLAINT, complaint),
            "is_staff": is_staff(request.user),
        },
    )


@role_required(is_staff)
def complaint_evidence(request, coop_slug, pk):
    return evidence_response(get_object_or_404(selectors.complaints_for(request.user), pk=pk))


# Assessments


@role_required(is_staff_or_enterprise)
def assessment_list(request, coop_slug):
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and assessment_post(request, form):
        return redirect("assessment-list", coop_slug=coop_slug)
    return render(
        request,
        "credit/assessment_list.html",
        {
            **by_status(request, selectors.assessments_for(request.user), Assessment.Status),
            "form": form,
            "may_administer": is_administrator(request.user),
            "pending_objections": AssessmentObjection.objects.filter(
                decision=AssessmentObjection.Decision.PENDING
            ).count()
            if is_staff(request.user)
            else 0,
        },
    )


def assessment_post(request, form):
    """Work out a period's assessments, or announce them; True when done."""
    if not is_administrator(request.user):
        messages.error(request, _("Only a cooperative administrator does this."))
        return False
    if not form.is_valid():
        return False
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if request.POST.get("action") == "announce":
        days = form.cleaned_data["days"] or assessments.OBJECTION_DAYS
        announced = run_step(
            request,
            lambda: assessments.announce(
                cooperative=request.cooperative, actor=request.user, start=start, end=end, days=days
            ),
        )
        if announced:
            messages.success(request, _("Announced: members may object until the window closes."))
        return announced
    made = save_or_report(
        form,
        lambda: assessments.assess(cooperative_id=request.cooperative.pk, start=start, end=end),
    )
    if made is None:
        return False
    messages.success(request, _("%(count)d assessments worked out.") % {"count": len(made)})
    return True


@role_required(is_staff_or_enterprise)
def assessment_detail(request, coop_slug, pk):
    assessment = get_object_or_404(selectors.assessments_for(request.user), pk=pk)
    objections = list(assessment.objections.all())
    return render(
        request,
        "credit/assessment_detail.html",
        {
            "cooperative": request.cooperative,
            "assessment": assessment,
            "step_forms": forms_for(request, "assessments", assessment),
            "history": history_of(assessments.ASSESSMENT, assessment),
            "objections": [
                (objection, forms_for(request, "objections", objection)) for objection in objections
            ],
        },
    )


# Grades


@role_required(is_staff)
def grade_list(request, coop_slug):
    model = grading.scoring_model(request.cooperative.pk)
    form = ScoringForm(request.POST or None, model=model)
    if request.method == "POST":
        if not is_administrator(request.user):
            messages.error(request, _("Only a cooperative administrator does this."))
        elif request.POST.get("action") == "run":
            graded = grading.grade_members(cooperative_id=request.cooperative.pk)
            proposed = enforcement.propose_exits(cooperative_id=request.cooperative.pk)
            messages.success(
                request,
                _("%(graded)d members graded; %(proposed)d exit proposals raised.")
                % {"graded": len(graded), "proposed": len(proposed)},
            )
            return redirect("grade-list", coop_slug=coop_slug)
        elif form.is_valid() and save_or_report(
            form,
            lambda: grading.change_model(model=model, actor=request.user, **form.model_values()),
        ):
            messages.success(
                request, _("The scoring model is saved; it applies from the next grading.")
            )
            return redirect("grade-list", coop_slug=coop_slug)
    grades = selectors.public_credit_list()
    return render(
        request,
        "credit/grade_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, grades),
            "form": form,
            "may_administer": is_administrator(request.user),
        },
    )


@role_required(is_staff)
def grade_detail(request, coop_slug, pk):
    grade = get_object_or_404(selectors.grades_for(request.user), pk=pk)
    history = CreditGrade.objects.filter(member=grade.member_id).order_by("-valid_from", "-id")
    return render(
        request,
        "credit/grade_detail.html",
        {
            "cooperative": request.cooperative,
            "grade": grade,
            "factors": selectors.labelled(grade.factors),
            "history": page_of(request, history, 20),
            "step_forms": forms_for(request, "grades", grade),
        },
    )


@role_required(is_staff)
def lending_xlsx(request, coop_slug):
    # Streamed from a temporary file: the list grows with the cooperative's members.
    return xlsx.streamed(
        exports.lending_sheets(selectors.lending_list()), f"{coop_slug}-lending.xlsx"
    )


# Enforcement


@role_required(is_staff)
def enforcement_page(request, coop_slug):
    """Inspections and violations (with their outcome), rectification orders, exit proposals."""
    forms = {
        "inspection": InspectionForm(
            request.POST if request.POST.get("form") == "inspection" else None
        ),
        "violation": ViolationForm(
            request.POST if request.POST.get("form") == "violation" else None
        ),
    }
    if request.method == "POST" and enforcement_post(request, forms):
        return redirect("enforcement", coop_slug=coop_slug)
    user = request.user
    # Open orders ("open" sorts before "rectified") and undecided proposals first.
    orders = page_of(
        request, selectors.orders_for(user).order_by("status", "deadline"), 20, "orders_page"
    )
    proposals = page_of(
        request,
        selectors.proposals_for(user).order_by("status", "-proposed_at"),
        20,
        "proposals_page",
    )
    for kind, page in (("orders", orders), ("exits", proposals)):
        for row in page:
            row.step_forms = forms_for(request, kind, row)
    return render(
        request,
        "credit/enforcement.html",
        {
            "cooperative": request.cooperative,
            "violations": page_of(request, selectors.violations_for(user), 20, "violations_page"),
            "inspections": page_of(
                request, selectors.inspections_for(user), 20, "inspections_page"
            ),
            "orders": orders,
            "proposals": proposals,
            "order_form": OrderForm(),
            "may_administer": is_administrator(request.user),
            **{f"{name}_form": form for name, form in forms.items()},
        },
    )


def enforcement_post(request, forms):
    if not is_administrator(request.user):
        messages.error(request, _("Only a cooperative administrator does this."))
        return False
    name = request.POST.get("form")
    if name == "proposals":
        proposed = enforcement.propose_exits(cooperative_id=request.cooperative.pk)
        messages.success(request, _("%(count)d exit proposals raised.") % {"count": len(proposed)})
        return True
    if name == "order":
        return order_post(request)
    form = forms.get(name)
    if form is None or not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    record = enforcement.record_inspection if name == "inspection" else enforcement.record_violation
    saved = save_or_report(form, lambda: record(actor=request.user, **data))
    if saved and name == "violation":
        messages.success(request, saved.outcome_said)
    return bool(saved)


def order_post(request):
    violation = get_object_or_404(
        selectors.violations_for(request.user), pk=request.POST.get("violation")
    )
    form = OrderForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(
                f"{form.fields[name].label or name}: {' '.join(errors)}"
                if name in form.fields
                else " ".join(errors)
                for name, errors in form.errors.items()
            ),
            extra_tags=step_tag(f"order-{violation.pk}"),
        )
        return False
    return run_step(
        request,
        lambda: enforcement.order_rectification(
            violation=violation, actor=request.user, **form.cleaned_data
        ),
        f"order-{violation.pk}",
    )

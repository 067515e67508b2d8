"""The brands pages: the cooperative's trademark licences (staff), design-patent pre-review
requests and trademark-infringement reports (staff handle them, a member unit files and follows
its own). Steps are taken through the workflows' declarations, the same the API takes them
through; the rows a user may see come from ``brands.selectors``."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands import selectors
from brands.forms import DesignReviewForm, InfringementForm
from brands.models import DesignReview, InfringementReport
from brands.services import design_reviews, infringements
from coop import attachments
from coop.access import role_required
from coop.pages import (
    PAGE_SIZE,
    asked_member,
    history_of,
    save_or_report,
    step_forms,
    take_from_page,
)
from coop.pagination import QuerysetByIds
from coop.roles import is_administrator, is_enterprise, is_staff_or_enterprise


def files_or_submits(user):
    return is_enterprise(user) or is_administrator(user)


KINDS = {
    # kind: (rows the user may see, workflow, detail page name)
    "design-reviews": (
        selectors.reviews_for,
        design_reviews.DESIGN_REVIEW,
        "design-review-detail",
    ),
    "infringements": (
        selectors.reports_for,
        infringements.INFRINGEMENT,
        "infringement-detail",
    ),
}


def forms_for(request, kind, row):
    workflow, slug = KINDS[kind][1], request.cooperative.slug
    return step_forms(
        request.user,
        workflow,
        row,
        lambda verb: reverse(f"{kind[:-1]}-step", args=[slug, row.pk, verb]),
    )


@require_POST
@role_required(is_staff_or_enterprise)
def take_step(request, coop_slug, kind, pk, verb):
    rows, workflow, detail = KINDS[kind]
    row = get_object_or_404(rows(request.user), pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse(detail, args=[coop_slug, pk])
    take_from_page(request, workflow, row, verb, request.POST)
    return redirect(back)


def paged(request, rows):
    return QuerysetByIds(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def for_asked_member(request, rows):
    """``?member=<id>`` (a link from a member's record) narrows staff's list to the member."""
    member = asked_member(request)
    return rows if member is None else rows.filter(member_id=member)


# Licences


@role_required(is_staff_or_enterprise)
def licence_list(request, coop_slug):
    """The cooperative's collective trademark licences, those in force first (a member unit
    sees its own)."""
    rows = for_asked_member(request, selectors.licences_for(request.user))
    shown = request.GET.get("shown", "")
    if shown == "in_force":
        rows = rows.filter(in_force=1)
    elif shown == "ended":
        rows = rows.filter(in_force=0)
    else:
        shown = ""
    return render(
        request,
        "brands/licence_list.html",
        {
            "cooperative": request.cooperative,
            "page": paged(request, rows),
            "shown": shown,
            "today": timezone.localdate(),
        },
    )


# Design-patent pre-review requests


@role_required(is_staff_or_enterprise)
def design_review_list(request, coop_slug):
    """Requests with their due date and working days left; overdue ones flagged and, unless
    sorted otherwise, first. ``?overdue=1``: only those; ``?status=``; ``?sort=newest``."""
    today = timezone.localdate()
    rows = for_asked_member(request, selectors.reviews_for(request.user, today))
    status = request.GET.get("status", "")
    if status in DesignReview.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    overdue = request.GET.get("overdue", "") == "1"
    if overdue:
        rows = rows.filter(is_overdue=True)
    sort = request.GET.get("sort", "")
    if sort == "newest":
        rows = rows.order_by("-submitted_on", "-pk")
    else:
        sort, rows = "", selectors.overdue_first(rows)
    page = paged(request, rows)
    page.object_list = selectors.with_days_left(page.object_list, today)
    return render(
        request,
        "brands/design_review_list.html",
        {
            "cooperative": request.cooperative,
            "page": page,
            "status": status,
            "statuses": DesignReview.Status.choices,
            "overdue": overdue,
            "sort": sort,
            "may_submit": files_or_submits(request.user),
        },
    )


@role_required(files_or_submits)
def design_review_new(request, coop_slug):
    for_staff = not is_enterprise(request.user)
    form = DesignReviewForm(
        request.POST or None,
        for_staff=for_staff,
        instance=DesignReview(cooperative=request.cooperative),
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in design_reviews.FIELDS}
        member = form.cleaned_data.get("member") or request.user.member
        made = save_or_report(
            form, lambda: design_reviews.submit(member=member, actor=request.user, **data)
        )
        if made:
            messages.success(
                request,
                _("Request received; due %(date)s.") % {"date": made.due_on.isoformat()},
            )
            return redirect("design-review-detail", coop_slug=coop_slug, pk=made.pk)
    return render(
        request,
        "brands/design_review_form.html",
        {"cooperative": request.cooperative, "form": form},
    )


@role_required(is_staff_or_enterprise)
def design_review_detail(request, coop_slug, pk):
    review = get_object_or_404(selectors.reviews_for(request.user), pk=pk)
    selectors.with_days_left([review])
    return render(
        request,
        "brands/design_review_detail.html",
        {
            "cooperative": request.cooperative,
            "review": review,
            "step_forms": forms_for(request, "design-reviews", review),
            "history": history_of(design_reviews.DESIGN_REVIEW, review),
        },
    )


# Trademark-infringement reports


@role_required(is_staff_or_enterprise)
def infringement_list(request, coop_slug):
    rows = for_asked_member(request, selectors.reports_for(request.user))
    status = request.GET.get("status", "")
    if status in InfringementReport.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "brands/infringement_list.html",
        {
            "cooperative": request.cooperative,
            "page": paged(request, rows),
            "status": status,
            "statuses": InfringementReport.Status.choices,
            "may_report": files_or_submits(request.user),
        },
    )


@role_required(files_or_submits)
def infringement_new(request, coop_slug):
    for_staff = not is_enterprise(request.user)
    form = InfringementForm(
        request.POST or None,
        request.FILES or None,
        for_staff=for_staff,
        marks=selectors.marks_for(request.user),
        instance=InfringementReport(cooperative=request.cooperative),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member", None) or request.user.member
        made = save_or_report(
            form,
            lambda: infringements.report(member=member, actor=request.user, **data),
        )
        if made:
            messages.success(request, _("Report received."))
            return redirect("infringement-detail", coop_slug=coop_slug, pk=made.pk)
    return render(
        request,
        "brands/infringement_form.html",
        {"cooperative": request.cooperative, "form": form},
    )


@role_required(is_staff_or_enterprise)
def infringement_detail(request, coop_slug, pk):
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    return render(
        request,
        "brands/infringement_detail.html",
        {
            "cooperative": request.cooperative,
            "report": report,
            "files": list(attachments.of(report)),
            "step_forms": forms_for(request, "infringements", report),
            "history": history_of(infringements.INFRINGEMENT, report),
        },
    )

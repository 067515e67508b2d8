"""The chain programme's pages: quality-consistency agreements and joint research projects.
Staff read them, the cooperative's administrators write them; an enterprise account reads the
agreements its member unit owns or supplies under and the projects it takes part in. Steps go
through the workflows' declarations, as the API takes them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chains import selectors
from chains.forms import (
    AgreementForm,
    AuditForm,
    IndicatorForm,
    MilestoneForm,
    ProjectForm,
    SupplierForm,
)
from chains.models import AgreementIndicator, ChainAgreement, ChainSupplier, Milestone
from chains.services import agreements, research
from coop.access import role_required
from coop.errors import Refused
from coop.pages import (
    asked_member,
    history_of,
    page_of,
    run_step,
    save_or_report,
    step_forms,
    take_from_page,
)
from coop.roles import is_administrator, is_staff, is_staff_or_enterprise

# Quality-consistency agreements


@role_required(is_staff_or_enterprise)
def agreement_list(request, coop_slug):
    rows = selectors.agreements_for(request.user)
    status = request.GET.get("status", "")
    if status in ChainAgreement.Status.values:
        rows = rows.filter(status=status)
    member = asked_member(request)
    if member is not None:  # a link from the member's record
        supplies = ChainSupplier.objects.filter(member_id=member).values("agreement_id")
        rows = rows.filter(Q(owner_member_id=member) | Q(pk__in=supplies))
    return render(
        request,
        "chains/agreement_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, rows.order_by("-signed_on", "-id")),
            "status": status,
            "statuses": ChainAgreement.Status.choices,
            "may_add": is_administrator(request.user),
        },
    )


def agreement_initial(agreement):
    return {
        "title": agreement.title,
        "owner_member": agreement.owner_member_id,
        "owner_name": agreement.owner_name,
        "owner_uscc": agreement.owner_uscc,
        "products": agreement.products,
        "categories": [c.pk for c in agreement.categories.all()],
        "signed_on": agreement.signed_on,
        "valid_until": agreement.valid_until,
    }


@role_required(is_administrator)
def agreement_edit(request, coop_slug, pk=None):
    agreement = get_object_or_404(selectors.agreements_for(request.user), pk=pk) if pk else None
    initial = agreement_initial(agreement) if agreement else {}
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_or_report(
            form,
            lambda: agreements.save_agreement(
                cooperative=request.cooperative,
                actor=request.user,
                agreement=agreement,
                title=data["title"],
                products=data["products"],
                signed_on=data["signed_on"],
                valid_until=data["valid_until"],
                owner_member=data["owner_member"],
                owner_name=data["owner_name"],
                owner_uscc=data["owner_uscc"],
                categories=data["categories"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The agreement is saved."))
            return redirect("chain-agreement-detail", coop_slug, saved.pk)
    return render(
        request,
        "chains/agreement_form.html",
        {"cooperative": request.cooperative, "form": form, "agreement": agreement},
        status=400 if form.errors else 200,
    )


def render_agreement(request, agreement, forms=None, status=200):
    user, slug = request.user, request.cooperative.slug
    detail = selectors.agreement_detail(agreement)
    sees_all = selectors.sees_all_suppliers(user, agreement)
    own = None if sees_all else user.member_id
    audits = detail["audits"] if own is None else detail["audits"].filter(supplier_id=own)
    may_change = is_administrator(user) and agreement.status != ChainAgreement.Status.ENDED
    forms = forms or {}
    if may_change:
        forms.setdefault("supplier_form", SupplierForm())
        forms.setdefault("indicator_form", IndicatorForm(cooperative=request.cooperative))
        if agreement.status == ChainAgreement.Status.IN_FORCE:
            forms.setdefault("audit_form", AuditForm(agreement=agreement))
    return render(
        request,
        "chains/agreement_detail.html",
        {
            "cooperative": request.cooperative,
            "agreement": agreement,
            "suppliers": detail["suppliers"],
            "indicators": detail["indicators"],
            "audits": page_of(request, audits, param="audits_page"),
            "batches": page_of(
                request, selectors.batches_under(agreement, own), param="batches_page"
            ),
            "rates": selectors.pass_rates(agreement),
            "sees_all": sees_all,
            "is_staff": is_staff(user),
            "may_change": may_change,
            "step_forms": step_forms(
                user,
                agreements.AGREEMENT,
                agreement,
                lambda verb: reverse("chain-agreement-step", args=[slug, agreement.pk, verb]),
            ),
            "history": history_of(agreements.AGREEMENT, agreement),
            **forms,
        },
        status=status,
    )


@role_required(is_staff_or_enterprise)
def agreement_detail(request, coop_slug, pk):
    agreement = get_object_or_404(selectors.agreements_for(request.user), pk=pk)
    return render_agreement(request, agreement)


def post_to_agreement(request, pk, form_name, form, save, done):
    """A form posted on an agreement's page: saved and back to the page, or the page again
    with the form's errors (a 400)."""
    agreement = get_object_or_404(selectors.agreements_for(request.user), pk=pk)
    if form.is_valid():
        made = save_or_report(form, lambda: save(agreement, form.cleaned_data))
        if made is not None:
            messages.success(request, done)
            return redirect("chain-agreement-detail", request.cooperative.slug, pk)
    return render_agreement(request, agreement, {form_name: form}, status=400)


@require_POST
@role_required(is_administrator)
def supplier_add(request, coop_slug, pk):
    return post_to_agreement(
        request,
        pk,
        "supplier_form",
        SupplierForm(request.POST),
        lambda agreement, data: agreements.add_supplier(
            agreement=agreement,
            actor=request.user,
            member=data["member"],
            joined_on=data["joined_on"],
        ),
        _("The supplier is added."),
    )


@require_POST
@role_required(is_administrator)
def supplier_remove(request, coop_slug, pk):
    supplier = get_object_or_404(
        ChainSupplier.objects.filter(
            agreement__in=selectors.visible_agreements(request.user).values("pk")
        ),
        pk=pk,
    )
    if run_step(request, lambda: agreements.remove_supplier(supplier=supplier, actor=request.user)):
        messages.success(request, _("The supplier has left the agreement."))
    return redirect("chain-agreement-detail", coop_slug, supplier.agreement_id)


@require_POST
@role_required(is_administrator)
def indicator_add(request, coop_slug, pk):
    return post_to_agreement(
        request,
        pk,
        "indicator_form",
        IndicatorForm(request.POST, cooperative=request.cooperative),
        lambda agreement, data: agreements.add_indicator(
            agreement=agreement, actor=request.user, **data
        ),
        _("The indicator is added."),
    )


@require_POST
@role_required(is_administrator)
def indicator_remove(request, coop_slug, pk):
    indicator = get_object_or_404(
        AgreementIndicator.objects.filter(
            agreement__in=selectors.visible_agreements(request.user).values("pk")
        ),
        pk=pk,
    )
    agreement_id = indicator.agreement_id
    try:
        agreements.remove_indicator(indicator=indicator, actor=request.user)
    except (Refused, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
    else:
        messages.success(request, _("The indicator is removed."))
    return redirect("chain-agreement-detail", coop_slug, agreement_id)


@require_POST
@role_required(is_administrator)
def audit_add(request, coop_slug, pk):
    agreement = get_object_or_404(selectors.agreements_for(request.user), pk=pk)
    return post_to_agreement(
        request,
        pk,
        "audit_form",
        AuditForm(request.POST, agreement=agreement),
        lambda agreement, data: agreements.record_audit(
            agreement=agreement, actor=request.user, **data
        ),
        _("The audit is recorded."),
    )


@require_POST
@role_required(is_staff_or_enterprise)
def agreement_step(request, coop_slug, pk, verb):
    agreement = get_object_or_404(selectors.agreements_for(request.user), pk=pk)
    take_from_page(request, agreements.AGREEMENT, agreement, verb, request.POST)
    return redirect("chain-agreement-detail", coop_slug, pk)


# Joint research projects


@role_required(is_staff_or_enterprise)
def project_list(request, coop_slug):
    rows = selectors.projects_for(request.user)
    status = request.GET.get("status", "")
    if status in research.Status.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "chains/project_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, rows.order_by("-created_at", "-id")),
            "status": status,
            "statuses": research.Status.choices,
            "may_add": is_administrator(request.user),
        },
    )


@role_required(is_administrator)
def project_edit(request, coop_slug, pk=None):
    project = get_object_or_404(selectors.projects_for(request.user), pk=pk) if pk else None
    initial = {}
    if project is not None:
        initial = {
            "title": project.title,
            "problem": project.problem,
            "indicators": "、".join(project.indicators),
            "partners": "\n".join(project.partners),
            "participants": [
                m.pk for m in selectors.project_detail(request.user, project)["participants"]
            ],
        }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_or_report(
            form,
            lambda: research.save_project(
                cooperative=request.cooperative,
                actor=request.user,
                project=project,
                title=data["title"],
                problem=data["problem"],
                indicators=data["indicators"],
                partners=data["partners"],
                participants=data["participants"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The project is saved."))
            return redirect("research-project-detail", coop_slug, saved.pk)
    return render(
        request,
        "chains/project_form.html",
        {"cooperative": request.cooperative, "form": form, "project": project},
        status=400 if form.errors else 200,
    )


def render_project(request, project, milestone_form=None, status=200):
    user, slug = request.user, request.cooperative.slug
    may_change = is_administrator(user) and project.status != research.Status.CONCLUDED
    return render(
        request,
        "chains/project_detail.html",
        {
            "cooperative": request.cooperative,
            "project": project,
            **selectors.project_detail(user, project),
            "may_change": may_change,
            "milestone_form": (milestone_form or MilestoneForm()) if may_change else None,
            "step_forms": step_forms(
                user,
                research.PROJECT,
                project,
                lambda verb: reverse("research-project-step", args=[slug, project.pk, verb]),
            ),
            "history": history_of(research.PROJECT, project),
        },
        status=status,
    )


@role_required(is_staff_or_enterprise)
def project_detail(request, coop_slug, pk):
    project = get_object_or_404(selectors.projects_for(request.user), pk=pk)
    return render_project(request, project)


@require_POST
@role_required(is_administrator)
def milestone_add(request, coop_slug, pk):
    project = get_object_or_404(selectors.projects_for(request.user), pk=pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        made = save_or_report(
            form,
            lambda: research.add_milestone(
                project=project, actor=request.user, **form.cleaned_data
            ),
        )
        if made is not None:
            messages.success(request, _("The milestone is added."))
            return redirect("research-project-detail", coop_slug, pk)
    return render_project(request, project, form, status=400)


@require_POST
@role_required(is_administrator)
def milestone_done(request, coop_slug, pk):
    milestone = get_object_or_404(
        Milestone.objects.filter(project__in=selectors.visible_projects(request.user).values("pk")),
        pk=pk,
    )
    if run_step(
        request, lambda: research.mark_milestone_done(milestone=milestone, actor=request.user)
    ):
        messages.success(request, _("The milestone is done."))
    return redirect("research-project-detail", coop_slug, milestone.project_id)


@require_POST
@role_required(is_staff_or_enterprise)
def project_step(request, coop_slug, pk, verb):
    project = get_object_or_404(selectors.projects_for(request.user), pk=pk)
    take_from_page(request, research.PROJECT, project, verb, request.POST)
    return redirect("research-project-detail", coop_slug, pk)

"""The benchmarking pages: schemes (staff draft, add key indicators and compared standards,
publish, withdraw; members read the published ones and declare against them), declarations
(a member's own, staff all; the review list of those waiting), and the public list of
benchmarked products. Steps go through the workflows' declarations, as the API takes them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchmarking import selectors
from benchmarking.forms import ComparedForm, DeclarationForm, IndicatorForm, SchemeForm
from benchmarking.models import BenchmarkDeclaration, BenchmarkScheme
from benchmarking.services import declarations, schemes
from coop.access import role_required
from coop.pages import (
    PAGE_SIZE,
    asked_member,
    history_of,
    page_of,
    save_or_report,
    step_forms,
    take_from_page,
)
from coop.roles import (
    is_administrator,
    is_administrator_or_member_unit,
    is_enterprise,
    is_staff,
    is_staff_or_enterprise,
)

# Schemes


@role_required(is_staff_or_enterprise)
def scheme_list(request, coop_slug):
    rows = selectors.schemes_for(request.user)
    status = request.GET.get("status", "")
    if status in BenchmarkScheme.Status.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "benchmarking/scheme_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, rows.order_by("status", "-published_at", "-id")),
            "status": status,
            "statuses": BenchmarkScheme.Status.choices,
            "may_draft": is_administrator(request.user),
        },
    )


@role_required(is_administrator)
def scheme_new(request, coop_slug):
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = save_or_report(
            form,
            lambda: schemes.create_scheme(
                cooperative=request.cooperative, actor=request.user, **form.cleaned_data
            ),
        )
        if made is not None:
            messages.success(request, _("The draft scheme is saved: add its key indicators."))
            return redirect("benchmark-scheme-detail", coop_slug, made.pk)
    return render(
        request, "benchmarking/scheme_form.html", {"cooperative": request.cooperative, "form": form}
    )


def scheme_page(request, scheme, indicator_form=None, compared_form=None, status=200):
    indicators = list(scheme.indicators.order_by("position", "pk").prefetch_related("compared"))
    editable = is_administrator(request.user) and scheme.status == BenchmarkScheme.Status.DRAFT
    context = {
        "cooperative": request.cooperative,
        "scheme": scheme,
        "indicators": indicators,
        "editable": editable,
        "may_declare": is_administrator_or_member_unit(request.user)
        and scheme.status == BenchmarkScheme.Status.PUBLISHED,
        "step_forms": step_forms(
            request.user,
            schemes.SCHEME,
            scheme,
            lambda verb: reverse(
                "benchmark-scheme-step", args=[request.cooperative.slug, scheme.pk, verb]
            ),
        ),
        "history": history_of(schemes.SCHEME, scheme) if is_staff(request.user) else [],
    }
    if editable:
        context["indicator_form"] = indicator_form or IndicatorForm()
        if indicators:
            context["compared_form"] = compared_form or ComparedForm(indicators=indicators)
    return render(request, "benchmarking/scheme_detail.html", context, status=status)


@role_required(is_staff_or_enterprise)
def scheme_detail(request, coop_slug, pk):
    return scheme_page(request, get_object_or_404(selectors.schemes_for(request.user), pk=pk))


@require_POST
@role_required(is_administrator)
def indicator_add(request, coop_slug, pk):
    scheme = get_object_or_404(selectors.schemes_for(request.user), pk=pk)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        made = save_or_report(
            form,
            lambda: schemes.add_indicator(
                scheme=scheme,
                actor=request.user,
                name=data["name"],
                unit=data["unit"],
                direction=data["direction"],
                advanced_value=data["advanced_value"],
                domestic_value=data["domestic_value"],
                domestic_standard=data["domestic_standard"],
                compared=[
                    {
                        "kind": data["kind"],
                        "code": data["code"],
                        "title": data["standard_title"],
                        "value": data["value"],
                    }
                ],
            ),
        )
        if made is not None:
            messages.success(request, _("The key indicator is added."))
            return redirect("benchmark-scheme-detail", coop_slug, pk)
    return scheme_page(request, scheme, indicator_form=form, status=400)


@require_POST
@role_required(is_administrator)
def compared_add(request, coop_slug, pk):
    scheme = get_object_or_404(selectors.schemes_for(request.user), pk=pk)
    indicators = list(scheme.indicators.order_by("position", "pk"))
    form = ComparedForm(request.POST, indicators=indicators)
    if form.is_valid():
        data = form.cleaned_data
        indicator = next(i for i in indicators if str(i.pk) == data["indicator"])
        made = save_or_report(
            form,
            lambda: schemes.add_compared(
                indicator=indicator,
                actor=request.user,
                kind=data["kind"],
                code=data["code"],
                title=data["title"],
                value=data["value"],
            ),
        )
        if made is not None:
            messages.success(request, _("The compared standard is added."))
            return redirect("benchmark-scheme-detail", coop_slug, pk)
    return scheme_page(request, scheme, compared_form=form, status=400)


@require_POST
@role_required(is_staff_or_enterprise)
def scheme_step(request, coop_slug, pk, verb):
    scheme = get_object_or_404(selectors.schemes_for(request.user), pk=pk)
    take_from_page(request, schemes.SCHEME, scheme, verb, request.POST)
    return redirect("benchmark-scheme-detail", coop_slug, pk)


# Declarations


def declaration_rows(request, rows, template, title, review=False):
    status = request.GET.get("status", "")
    if not review and status in BenchmarkDeclaration.Status.values:
        rows = rows.filter(status=status)
    member = asked_member(request)
    if member is not None:  # a link from the member's record
        rows = rows.filter(member_id=member)
    order = ("declared_at", "id") if review else ("-declared_at", "-id")
    return render(
        request,
        template,
        {
            "cooperative": request.cooperative,
            "page": page_of(request, rows.order_by(*order)),
            "status": status,
            "statuses": [] if review else BenchmarkDeclaration.Status.choices,
            "title": title,
            "review": review,
            "is_staff": is_staff(request.user),
        },
    )


@role_required(is_staff_or_enterprise)
def declaration_list(request, coop_slug):
    return declaration_rows(
        request,
        selectors.declarations_for(request.user),
        "benchmarking/declaration_list.html",
        _("Benchmarking declarations"),
    )


@role_required(is_staff)
def declaration_review(request, coop_slug):
    """The declarations waiting for staff: to review, and accepted ones awaiting their
    third-party certificate; oldest first."""
    rows = selectors.declarations_for(request.user).filter(
        status__in=[BenchmarkDeclaration.Status.SUBMITTED, BenchmarkDeclaration.Status.ACCEPTED]
    )
    return declaration_rows(
        request,
        rows,
        "benchmarking/declaration_list.html",
        _("Declarations waiting for review"),
        review=True,
    )


@role_required(is_administrator_or_member_unit)
def declaration_new(request, coop_slug, pk):
    scheme = get_object_or_404(
        selectors.schemes_for(request.user).filter(status=BenchmarkScheme.Status.PUBLISHED), pk=pk
    )
    indicators = list(scheme.indicators.order_by("position", "pk"))
    for_staff = not is_enterprise(request.user)
    form = DeclarationForm(request.POST or None, indicators=indicators, for_staff=for_staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = save_or_report(
            form,
            lambda: declarations.declare(
                member=data["member"] if for_staff else request.user.member,
                actor=request.user,
                scheme=scheme,
                product_name=data["product_name"],
                model=data["model"],
                values=form.values(),
            ),
        )
        if made is not None:
            messages.success(request, _("The declaration is sent for review."))
            return redirect("benchmark-declaration-detail", coop_slug, made.pk)
    return render(
        request,
        "benchmarking/declaration_form.html",
        {"cooperative": request.cooperative, "form": form, "scheme": scheme},
        status=400 if form.errors else 200,
    )


@role_required(is_staff_or_enterprise)
def declaration_detail(request, coop_slug, pk):
    row = get_object_or_404(selectors.declarations_for(request.user), pk=pk)
    return render(
        request,
        "benchmarking/declaration_detail.html",
        {
            "cooperative": request.cooperative,
            "row": row,
            "claims": selectors.claims_of(row),
            "step_forms": step_forms(
                request.user,
                declarations.DECLARATION,
                row,
                lambda verb: reverse("benchmark-declaration-step", args=[coop_slug, row.pk, verb]),
            ),
            "history": history_of(declarations.DECLARATION, row),
        },
    )


@require_POST
@role_required(is_staff_or_enterprise)
def declaration_step(request, coop_slug, pk, verb):
    row = get_object_or_404(selectors.declarations_for(request.user), pk=pk)
    take_from_page(request, declarations.DECLARATION, row, verb, request.POST)
    return redirect("benchmark-declaration-detail", coop_slug, pk)


def public_list(request):
    """The public list of benchmarked products (达标产品), across cooperatives; no contact data."""
    query = request.GET.get("q", "")
    return render(
        request,
        "benchmarking/public_list.html",
        {
            "page": page_of(request, selectors.public_benchmarked(query), PAGE_SIZE),
            "query": query,
        },
    )

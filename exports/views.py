"""The export pages: a member's export products; the trade measures (staff enter and import
them and see who has and has not acknowledged; an enterprise reads those it was alerted of and
acknowledges them); same-line products (a member declares, staff review) and their public list.
Steps go through the workflows' declarations, as the API takes them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import xlsx
from coop.access import role_required
from coop.models import Cooperative
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
from exports import selectors
from exports.forms import ExportProductForm, MeasureForm, MeasureImportForm, SameLineForm
from exports.models import MeasureAlert, SameLineProduct
from exports.services import measures, products, same_line

# Export products


@role_required(is_staff_or_enterprise)
def product_list(request, coop_slug):
    rows = selectors.export_products_for(request.user).order_by("member__name", "name", "pk")
    member = asked_member(request)
    if member is not None:
        rows = rows.filter(member_id=member)
    return render(
        request,
        "exports/product_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, rows),
            "may_add": is_administrator_or_member_unit(request.user),
            "is_staff": is_staff(request.user),
        },
    )


@role_required(is_administrator_or_member_unit)
def product_edit(request, coop_slug, pk=None):
    product = get_object_or_404(selectors.export_products_for(request.user), pk=pk) if pk else None
    for_staff = not is_enterprise(request.user)
    initial = {}
    if product is not None:
        initial = {
            "member": product.member_id,
            "name": product.name,
            "category": product.category_id,
            "hs_code": product.hs_code,
            "markets": product.market_codes,
        }
    form = ExportProductForm(request.POST or None, initial=initial, for_staff=for_staff)
    if for_staff and product is not None:
        form.fields["member"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = (
            (product.member if product else data["member"]) if for_staff else request.user.member
        )
        saved = save_or_report(
            form,
            lambda: products.save_export_product(
                member=member,
                actor=request.user,
                product=product,
                name=data["name"],
                hs_code=data["hs_code"],
                markets=data["markets"],
                category=data["category"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The export product is saved."))
            return redirect("export-product-list", coop_slug)
    return render(
        request,
        "exports/product_form.html",
        {"cooperative": request.cooperative, "form": form, "product": product},
    )


@require_POST
@role_required(is_administrator_or_member_unit)
def product_delete(request, coop_slug, pk):
    product = get_object_or_404(selectors.export_products_for(request.user), pk=pk)
    products.delete_export_product(product=product, actor=request.user)
    messages.success(request, _("The export product is removed."))
    return redirect("export-product-list", coop_slug)


# Trade measures


@role_required(is_staff_or_enterprise)
def measure_list(request, coop_slug):
    rows = selectors.measures_for(request.user)
    member = asked_member(request)
    if member is not None:  # from a member's record: the measures it was alerted of
        alerted = MeasureAlert.objects.filter(member=member).exclude(
            status=MeasureAlert.Status.WITHDRAWN
        )
        rows = rows.filter(pk__in=alerted.values("measure"))
    return render(
        request,
        "exports/measure_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, rows.order_by("-effective_on", "-id")),
            "is_staff": is_staff(request.user),
            "may_enter": is_administrator(request.user),
        },
    )


@role_required(is_administrator)
def measure_new(request, coop_slug):
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = save_or_report(
            form,
            lambda: measures.save_measure(
                cooperative=request.cooperative, actor=request.user, **data
            ),
        )
        if made is not None:
            alerted = made.alerts.count()
            messages.success(
                request,
                _("The measure is saved; %(count)d member units were alerted.")
                % {"count": alerted},
            )
            return redirect("trade-measure-detail", coop_slug, made.pk)
    return render(
        request, "exports/measure_form.html", {"cooperative": request.cooperative, "form": form}
    )


@role_required(is_administrator)
def measure_edit(request, coop_slug, pk):
    """Change a measure (a typo in the title, the date of effect, what it touches): when what
    it touches changes, it is matched again (exports.services.measures.edit_measure)."""
    measure = get_object_or_404(selectors.measures_for(request.user), pk=pk)
    initial = {
        "country": measure.country,
        "title": measure.title,
        "text": measure.text,
        "hs_prefixes": ", ".join(measure.hs_prefixes or []),
        "categories": selectors.measure_category_ids(measure),
        "effective_on": measure.effective_on,
        "reference": measure.reference,
    }
    form = MeasureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_or_report(
            form, lambda: measures.edit_measure(measure=measure, actor=request.user, **data)
        )
        if saved is not None:
            messages.success(request, _("The measure is saved."))
            return redirect("trade-measure-detail", coop_slug, measure.pk)
    return render(
        request,
        "exports/measure_form.html",
        {"cooperative": request.cooperative, "form": form, "measure": measure},
        status=400 if form.errors else 200,
    )


@role_required(is_administrator)
def measure_import(request, coop_slug):
    form = MeasureImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            made = measures.import_measures(
                cooperative=request.cooperative,
                actor=request.user,
                content=form.cleaned_data["file"].read(),
            )
        except ValidationError as error:
            said = error.message_dict
            errors = said.get("rows", []) or said.get("file", [])
        else:
            messages.success(
                request, _("%(count)d measures were imported and matched.") % {"count": len(made)}
            )
            return redirect("trade-measure-list", coop_slug)
    return render(
        request,
        "exports/measure_import.html",
        {"cooperative": request.cooperative, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@role_required(is_administrator)
def measure_template(request, coop_slug):
    return xlsx.download(measures.template_sheet(), "trade-measures.xlsx")


@role_required(is_staff_or_enterprise)
def measure_detail(request, coop_slug, pk):
    measure = get_object_or_404(selectors.measures_for(request.user), pk=pk)
    context = {
        "cooperative": request.cooperative,
        "measure": measure,
        "categories": list(measure.categories.all()),
        "is_staff": is_staff(request.user),
        "may_edit": is_administrator(request.user),
    }
    if is_staff(request.user):
        # Who has and who has not acknowledged: ``?status=pending`` narrows to those who have not.
        alerts = selectors.alerts_for(request.user).filter(measure=measure)
        status = request.GET.get("status", "")
        if status in MeasureAlert.Status.values:
            alerts = alerts.filter(status=status)
        context |= {
            "page": page_of(request, alerts.order_by("status", "member__name", "pk")),
            "status": status,
            "statuses": MeasureAlert.Status.choices,
        }
    else:
        alert = selectors.alerts_for(request.user).filter(measure=measure).first()
        context |= {
            "alert": alert,
            "step_forms": step_forms(
                request.user,
                measures.ALERT,
                alert,
                lambda verb: reverse("trade-alert-step", args=[coop_slug, alert.pk, verb]),
            )
            if alert
            else [],
            "history": history_of(measures.ALERT, alert) if alert else [],
        }
    return render(request, "exports/measure_detail.html", context)


@require_POST
@role_required(is_staff_or_enterprise)
def alert_step(request, coop_slug, pk, verb):
    alert = get_object_or_404(selectors.alerts_for(request.user), pk=pk)
    take_from_page(request, measures.ALERT, alert, verb, request.POST)
    return redirect("trade-measure-detail", coop_slug, alert.measure_id)


# Same line, same standard, same quality


@role_required(is_staff_or_enterprise)
def same_line_list(request, coop_slug):
    rows = selectors.same_line_for(request.user)
    member = asked_member(request)
    if member is not None:
        rows = rows.filter(member_id=member)
    status = request.GET.get("status", "")
    if status in SameLineProduct.Status.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "exports/same_line_list.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, rows.order_by("-declared_at", "-id")),
            "status": status,
            "statuses": SameLineProduct.Status.choices,
            "may_declare": is_administrator_or_member_unit(request.user),
        },
    )


@role_required(is_administrator_or_member_unit)
def same_line_new(request, coop_slug):
    for_staff = not is_enterprise(request.user)
    form = SameLineForm(request.POST or None, cooperative=request.cooperative, for_staff=for_staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = save_or_report(
            form,
            lambda: same_line.declare(
                member=data["member"] if for_staff else request.user.member,
                actor=request.user,
                product=data["product"],
                standard=data["standard"],
                markets=data["markets"],
                line=data["line"],
            ),
        )
        if made is not None:
            messages.success(request, _("The declaration is sent for review."))
            return redirect("same-line-detail", coop_slug, made.pk)
    return render(
        request, "exports/same_line_form.html", {"cooperative": request.cooperative, "form": form}
    )


@role_required(is_staff_or_enterprise)
def same_line_detail(request, coop_slug, pk):
    row = get_object_or_404(selectors.same_line_for(request.user), pk=pk)
    return render(
        request,
        "exports/same_line_detail.html",
        {
            "cooperative": request.cooperative,
            "row": row,
            "step_forms": step_forms(
                request.user,
                same_line.SAME_LINE,
                row,
                lambda verb: reverse("same-line-step", args=[coop_slug, row.pk, verb]),
            ),
            "history": history_of(same_line.SAME_LINE, row),
        },
    )


@require_POST
@role_required(is_staff_or_enterprise)
def same_line_step(request, coop_slug, pk, verb):
    row = get_object_or_404(selectors.same_line_for(request.user), pk=pk)
    take_from_page(request, same_line.SAME_LINE, row, verb, request.POST)
    return redirect("same-line-detail", coop_slug, pk)


def same_line_public(request):
    """The public list of approved same-line products, across cooperatives (``?cooperative=``
    a cooperative's slug: its own; an unknown one: all); no contact data."""
    query = request.GET.get("q", "")
    asked = request.GET.get("cooperative") or ""
    cooperative = Cooperative.objects.filter(slug=asked).first() if asked else None
    rows = selectors.public_same_line(query, cooperative)
    return render(
        request,
        "exports/same_line_public.html",
        {"page": page_of(request, rows, PAGE_SIZE), "query": query, "cooperative": cooperative},
    )

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from coop import documents
from coop.access import public_view, role_required
from coop.roles import is_enterprise, is_staff
from members.selectors import member_for_user
from standards import services
from standards.benchmarking import benchmark, is_benchmarked, national_limits
from standards.forms import DeclarationForm
from standards.models import CollectionEntry, ProductDeclaration, Standard
from standards.selectors import (
    national_standards,
    search_standards,
    visible_standards,
    with_declared_limits,
    with_limits,
)

PAGE_SIZE = 50


def catalogue(request):
    """The public catalogue: search by code or title, filter by level."""
    query, level = request.GET.get("q", ""), request.GET.get("level", "")
    standards = search_standards(visible_standards(request.visible_cooperative_ids), query)
    if level in Standard.Level.values:
        standards = standards.filter(level=level)
    page = Paginator(standards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "standards/catalogue.html",
        {
            "page": page,
            "query": query,
            "level": level,
            "levels": Standard.Level.choices,
        },
    )


def standard_detail(request, pk):
    standard = get_object_or_404(
        with_limits(visible_standards(request.visible_cooperative_ids)), pk=pk
    )
    return render(request, "standards/standard_detail.html", {"standard": standard})


def standard_file(request, pk):
    """The standard's text, when one is kept: served only for a standard the reader may see."""
    standard = get_object_or_404(visible_standards(request.visible_cooperative_ids), pk=pk)
    if not standard.file:
        raise Http404
    return FileResponse(
        standard.file.open("rb"), as_attachment=True, filename=standard.file.name.rsplit("/", 1)[-1]
    )


def collection_entries():
    return CollectionEntry.objects.select_related("standard__superseded_by")


@public_view
def collection_xlsx(request, coop_slug):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("standards collection"))
    with translation.override("zh-hans"):
        sheet.append(["分类", "标准编号", "标准名称", "实施日期", "状态"])
        for entry in collection_entries():
            standard = entry.standard
            sheet.append(
                [
                    entry.section,
                    standard.code,
                    standard.title_zh,
                    standard.implemented_on,
                    str(standard.get_status_display()),
                ]
            )
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{coop_slug}-standards.xlsx"'
    return response


@public_view
def collection_pdf(request, coop_slug):
    """The collection as an A4 booklet, through the documents' renderer (fonts, no fetching)."""
    with translation.override("zh-hans"):
        html = render_to_string(
            "standards/collection_booklet.html",
            {
                "cooperative": request.cooperative,
                "entries": collection_entries(),
                "today": timezone.localdate(),
            },
        )
    response = HttpResponse(documents.render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{coop_slug}-standards.pdf"'
    return response


def declarations_for(user):
    rows = ProductDeclaration.objects.all()
    if is_staff(user):
        return rows
    if is_enterprise(user):
        return rows.filter(member=user.member_id)
    return rows.none()


@role_required(lambda user: is_staff(user) or is_enterprise(user))
def declarations(request, coop_slug):
    """Products and the standards they execute: outdated ones flagged, benchmarking marked."""
    usable = visible_standards({request.cooperative.pk}).in_force_on(timezone.localdate())
    form = DeclarationForm(request.POST or None, standards=usable)
    if request.method == "POST" and is_enterprise(request.user) and form.is_valid():
        member = member_for_user(request.user, request.user.member_id)
        data = dict(form.cleaned_data)
        try:
            services.declare(
                member=member, actor=request.user, standards=list(data.pop("standards")), **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Declaration saved."))
            return redirect("declarations", coop_slug=coop_slug)
    page = Paginator(with_declared_limits(declarations_for(request.user)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    national = national_standards(request.visible_cooperative_ids)
    for declaration in page:
        declaration.benchmarked = is_benchmarked(
            benchmark(declaration, national_limits(declaration.category, national))
        )
    return render(
        request,
        "standards/declarations.html",
        {
            "cooperative": request.cooperative,
            "page": page,
            "form": form,
            "may_declare": is_enterprise(request.user),
        },
    )


@role_required(lambda user: is_staff(user) or is_enterprise(user))
def declaration_benchmark(request, coop_slug, pk):
    declaration = get_object_or_404(with_declared_limits(declarations_for(request.user)), pk=pk)
    visible = visible_standards(request.visible_cooperative_ids)
    against = request.GET.get("against", "")
    if against.isdigit():
        other = get_object_or_404(with_limits(visible), pk=against)
        limits, label = list(other.limits.all()), other.code
    else:
        national = national_standards(request.visible_cooperative_ids)
        limits, label = national_limits(declaration.category, national), _("national standards")
    rows = benchmark(declaration, limits)
    return render(
        request,
        "standards/benchmark.html",
        {
            "cooperative": request.cooperative,
            "declaration": declaration,
            "rows": rows,
            "benchmarked": is_benchmarked(rows),
            "label": label,
            "against": against,
            "choices": visible.exclude(limits=None).order_by("code"),
        },
    )

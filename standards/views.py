import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coop import documents, public_documents, xlsx
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


BOOKLET = "standards/collection_booklet.html"


@functools.cache
def booklet_design():
    """The booklet's template and stylesheet as deployed, read once per process: a deployment
    that changes the layout makes a new version of every booklet."""
    with open(documents.static_file("css/booklet.css"), encoding="utf-8") as stylesheet:
        return get_template(BOOKLET).template.source + stylesheet.read()


def collection_source(cooperative):
    """What the collection's documents are made from, as text to version them by
    (coop/public_documents.py), in one query and with no template rendered: every field of
    the entries, of their standards and of those standards' successors (every field, not only
    those shown, so a template that shows one more needs no change here), the cooperative's,
    the day (which decides each standard's status and the booklet's cover), the language and
    the booklet's design."""
    fields = [field.attname for field in CollectionEntry._meta.concrete_fields]
    for prefix in ("standard__", "standard__superseded_by__"):
        fields += [prefix + field.attname for field in Standard._meta.concrete_fields]
    own = [getattr(cooperative, field.attname) for field in cooperative._meta.concrete_fields]
    rows = list(collection_entries().values_list(*fields))
    day, language = timezone.localdate(), translation.get_language()
    return repr((booklet_design(), day, language, own, rows))


def booklet_html(cooperative):
    with translation.override("zh-hans"):
        return render_to_string(
            BOOKLET,
            {
                "cooperative": cooperative,
                "entries": collection_entries(),
                "today": timezone.localdate(),
            },
        )


@public_view
@public_documents.rate_limited
def collection_xlsx(request, coop_slug):
    """The collection as a workbook, made once per version of what it shows
    (coop/public_documents.py), not on every request."""

    def make():
        with translation.override("zh-hans"):
            rows = [
                [
                    entry.section,
                    entry.standard.code,
                    entry.standard.title_zh,
                    entry.standard.implemented_on,
                    str(entry.standard.get_status_display()),
                ]
                for entry in collection_entries()
            ]
        sheets = [
            (_("standards collection"), ["分类", "标准编号", "标准名称", "实施日期", "状态"], rows)
        ]
        return xlsx.workbook(sheets)

    return public_documents.document_response(
        request,
        kind=f"collection-xlsx:{request.cooperative.pk}",
        source=collection_source(request.cooperative),
        make=make,
        content_type=xlsx.XLSX,
        filename=f"{coop_slug}-standards.xlsx",
    )


@public_view
@public_documents.rate_limited
def collection_pdf(request, coop_slug):
    """The collection as an A4 booklet, through the documents' renderer (fonts, no fetching),
    rendered once per version of what it shows (coop/public_documents.py), not on every
    request."""
    cooperative = request.cooperative
    return public_documents.document_response(
        request,
        kind=f"collection-pdf:{cooperative.pk}",
        source=collection_source(cooperative),
        make=lambda: documents.render_pdf(booklet_html(cooperative)),
        content_type="application/pdf",
        filename=f"{coop_slug}-standards.pdf",
        inline=True,
    )


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

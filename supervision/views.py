"""The pages that read across apps: the public home and a cooperative's page, where a login
lands (each role's home), the supervision dashboard and the annual reports."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from coop import xlsx
from coop.access import public_view, role_required
from coop.models import AnnualReport, Cooperative, Region
from coop.pages import page_of
from coop.periods import asked_year
from coop.roles import is_administrator, is_staff, is_supervisor
from credit.models import Announcement
from standards.models import CollectionEntry
from supervision import trends
from supervision.chain_map import last_years
from supervision.dashboard import figures as dashboard_figures
from supervision.dashboard import figures_html as dashboard_figures_html
from supervision.dashboard import sheets as dashboard_sheets
from supervision.inbox import inbox_for
from supervision.kept_figures import kept
from supervision.statistics import active_member_counts
from supervision.tasks import build_annual_report
from testing_fund.statistics import with_rate


def home(request):
    """The public home: the regions and their cooperatives with their active member counts,
    read from the cooperatives' kept figures: the same few queries for any number of them."""
    regions = list(
        Region.objects.prefetch_related(
            Prefetch(
                "cooperatives",
                queryset=Cooperative.objects.select_related("district").order_by("established"),
            )
        )
    )
    shown = [cooperative for region in regions for cooperative in region.cooperatives.all()]
    counts = active_member_counts([cooperative.id for cooperative in shown])
    for cooperative in shown:
        cooperative.active_members = counts.get(cooperative.id, 0)
    return render(request, "coop/home.html", {"regions": regions})


@public_view
def cooperative_page(request, coop_slug):
    """A cooperative's public page: what it is and who founded it. Its active members,
    pass rate and commitments in force come from its kept figures, not from counting."""
    cooperative = request.cooperative
    staff_of_this = is_staff(request.user) and (cooperative.id in request.visible_cooperative_ids)
    collection = CollectionEntry.objects.select_related("standard__superseded_by")
    year = timezone.localdate().year
    figures = kept([cooperative.pk], year)[cooperative.pk]
    return render(
        request,
        "coop/cooperative.html",
        {
            "cooperative": cooperative,
            "active_members": figures["members"],
            "show_members": staff_of_this,
            "collection": collection,
            "year": year,
            # As testing_fund.statistics.pass_rate counts it: re-tests left out.
            "testing": with_rate(
                [{"total": figures["tested"], "passed": figures["tested_passed"]}]
            )[0],
            "commitments": figures["commitments"],
            "announcements": Announcement.objects.all()[:3],
        },
    )


@login_required
def role_home(request):
    """Where a login lands: each role's home (工作台), what waits for the person, with counts,
    the first rows and links to the lists, filtered (``supervision.inbox``, which the API's
    ``me/inbox/`` reads too)."""
    user = request.user
    return render(
        request,
        "supervision/home.html",
        {
            "inbox": inbox_for(user, request.visible_cooperative_ids),
            "administrator": is_administrator(user),
            "supervisor": is_supervisor(user) or (user.is_superuser and not user.cooperative_id),
        },
    )


@role_required(is_staff)
def dashboard(request):
    """The supervision dashboard over the cooperatives the user may see: a region
    supervisor's region, an administrator's own cooperative."""
    year = asked_year(request.GET)
    rows = kept(request.visible_cooperative_ids, year)
    data = dashboard_figures(request.visible_cooperative_ids, year, rows)
    # The key indicators' failure rates over the last three years, summed from the same kept
    # figures (supervision/trends.py): grouping the region's results of three years took
    # 385 ms of each request at 3 million results (bench/README.md, region.py).
    key_trends = trends.with_charts(trends.from_kept(rows, *last_years(year)))
    return render(
        request,
        "coop/dashboard.html",
        {**data, "figures_html": dashboard_figures_html(data), "trends": key_trends},
    )


@role_required(is_staff)
def dashboard_xlsx(request):
    year = asked_year(request.GET)
    data = dashboard_figures(request.visible_cooperative_ids, year)
    return xlsx.download(dashboard_sheets(data), f"dashboard-{year}.xlsx")


@role_required(is_staff)
def annual_reports(request, coop_slug):
    """Request a year's report; the task builds it while the list shows its progress."""
    if request.method == "POST":
        year = asked_year(request.POST)
        report = AnnualReport.objects.create(
            cooperative=request.cooperative, year=year, requested_by=request.user
        )
        build_annual_report.delay_on_commit(request.cooperative.pk, report.pk)
        return redirect("annual-report", coop_slug=coop_slug, pk=report.pk)
    return render(
        request,
        "coop/annual_reports.html",
        {
            "cooperative": request.cooperative,
            "page": page_of(request, AnnualReport.objects.all()),
            "year": timezone.localdate().year - (1 if timezone.localdate().month < 3 else 0),
        },
    )


@role_required(is_staff)
def annual_report(request, coop_slug, pk):
    report = get_object_or_404(AnnualReport.objects.all(), pk=pk)
    if request.GET.get("download") and report.status == AnnualReport.Status.DONE:
        return FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=f"{coop_slug}-{report.year}.pdf",
            content_type="application/pdf",
        )
    return render(
        request,
        "coop/annual_report_status.html",
        {"cooperative": request.cooperative, "report": report},
    )

"""A cooperative's annual report: its year in figures and charts over several A4 pages,
built by a Celery task that records its progress as it goes."""

from django.core.files.base import ContentFile
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coop import documents
from coop.figures import yuan_shown
from coop.models import AnnualReport, Cooperative
from credit.models import Complaint, Violation
from members.selectors import membership_by_month
from supervision import charts, dashboard, trends
from supervision.chain_map import last_years
from testing_fund import statistics


def progress(report, percent, step):
    """Record how far the build is; the page shows it while the task runs."""
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.RUNNING, progress=percent, step=str(step)
    )


def gather(cooperative, year):
    """The year's figures, in the scope of the one cooperative."""
    return {
        "cooperative": cooperative,
        "year": year,
        "summary": dashboard.side_by_side([cooperative.pk], year)[0],
        "months": membership_by_month(cooperative.pk, months=12),
        "trend": dashboard.quarterly_trend(year),
        "failures": dashboard.failures_by_indicator(year),
        "problems": statistics.problem_map(cooperative.pk, year),
        "chain": statistics.by_chain_role(cooperative.pk, year),
        "spending": statistics.spending_by_month(cooperative.pk, year),
        "grades": dashboard.grade_distribution(),
        "violations": list(
            Violation.objects.filter(occurred_on__year=year)
            .values_list("outcome")
            .annotate(n=Count("*"))
            .order_by()
        ),
        "complaints": Complaint.objects.filter(received_at__year=year).count(),
        # The key indicators' failure rates over the report's year and the two before it.
        "indicator_trends": trends.indicator_trends(
            [cooperative.pk],
            trends.KEY_INDICATORS,
            *last_years(year),
            strict=False,
        ),
    }


def draw(data):
    return {
        "members_chart": charts.bars(
            _("Members at each month end"),
            [(end.strftime("%Y-%m"), count) for end, count in data["months"]],
        ),
        "trend_chart": charts.line(
            _("Pass rate by quarter"), [(r["quarter"], r["rate"]) for r in data["trend"]]
        ),
        "failure_chart": charts.bars(
            _("Failures by indicator"),
            [(r["indicator__name_zh"], r["failures"]) for r in data["failures"][:10]],
        ),
        "spending_chart": charts.bars(
            _("Fund spending by month (yuan)"),
            [(r["month"], float(r["spent"])) for r in data["spending"]],
            shown=yuan_shown,
        ),
        "grade_chart": charts.bars(_("Grade distribution"), data["grades"]),
    }


def build(report):
    """Gather, draw, render and save the report's PDF, recording progress at each step."""
    cooperative = Cooperative.objects.get(pk=report.cooperative_id)
    with translation.override("zh-hans"):
        progress(report, 10, _("gathering the figures"))
        data = gather(cooperative, report.year)
        progress(report, 40, _("drawing the charts"))
        data.update(draw(data), generated=timezone.now())
        progress(report, 60, _("laying out the pages"))
        html = render_to_string("coop/annual_report.html", data)
        pdf = documents.render_pdf(html)
    report.file.save(f"{cooperative.code}-{report.year}-annual.pdf", ContentFile(pdf), save=False)
    report.status, report.progress, report.step = AnnualReport.Status.DONE, 100, ""
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "progress", "step", "finished_at"])
    return report

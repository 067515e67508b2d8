from coop import reports
from coop.celery import tenant_task
from coop.models import AnnualReport


@tenant_task
def build_annual_report(cooperative_id, report_id):
    report = AnnualReport.objects.get(pk=report_id)
    try:
        reports.build(report)
    except Exception:
        AnnualReport.objects.filter(pk=report_id).update(status=AnnualReport.Status.FAILED)
        raise
    return report.file.name

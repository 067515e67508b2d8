from coop.celery import tenant_task
from coop.models import AnnualReport
from supervision import reports


# The name it had when coop/tasks.py declared it: a request queued before the move still runs.
@tenant_task(name="coop.tasks.build_annual_report")
def build_annual_report(cooperative_id, report_id):
    report = AnnualReport.objects.get(pk=report_id)
    try:
        reports.build(report)
    except Exception:
        AnnualReport.objects.filter(pk=report_id).update(status=AnnualReport.Status.FAILED)
        raise
    return report.file.name

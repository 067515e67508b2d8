"""When a batch's report was mailed to the member's users: the report's task claims it before
sending, so a rerun mails once, and the sweep (``supervision.tasks``) finds a report issued but
never mailed. A report already issued was mailed when it was made: it gets its time."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def mailed_with_the_report(apps, schema_editor):
    Batch = apps.get_model("testing_fund", "Batch")
    Document = apps.get_model("coop", "Document")
    issued = Document.objects.filter(
        cooperative_id=OuterRef("cooperative_id"), kind="test_report", source_id=OuterRef("pk")
    ).values("issued_at")[:1]
    Batch.objects.filter(status__in=["reported", "closed"]).update(
        report_mailed_at=Subquery(issued)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0006_stepevent"),
        ("testing_fund", "0013_one_reinspection_under_way_and_one_free"),
    ]

    operations = [
        migrations.AddField(
            model_name="batch",
            name="report_mailed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mailed_with_the_report, migrations.RunPython.noop),
    ]

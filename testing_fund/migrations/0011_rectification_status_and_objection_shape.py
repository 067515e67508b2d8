"""A rectification notice gets a status for its declared step (the member's answer), and an
objection to a test report takes the one objection shape (its window). Existing rows move with
them: a notice with an answer is answered; an objection's window closes 15 days after its
batch's report."""

from datetime import timedelta

from django.db import migrations, models

OBJECTION_DAYS = 15


def forward(apps, schema_editor):
    Rectification = apps.get_model("testing_fund", "Rectification")
    Objection = apps.get_model("testing_fund", "Objection")
    Rectification.objects.filter(answered_at__isnull=False).update(status="answered")
    for objection in Objection.objects.select_related("batch").filter(
        batch__reported_on__isnull=False
    ):
        objection.open_until = objection.batch.reported_on + timedelta(days=OBJECTION_DAYS)
        objection.save(update_fields=["open_until"])


def backward(apps, schema_editor):
    """The status and the window go with their columns; ``answered_at`` kept what ``status``
    said."""


class Migration(migrations.Migration):
    dependencies = [
        ("testing_fund", "0010_fewer_indexes_on_the_big_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="objection",
            name="open_until",
            field=models.DateField(blank=True, null=True, verbose_name="objections open until"),
        ),
        migrations.AddField(
            model_name="rectification",
            name="status",
            field=models.CharField(
                choices=[("notified", "awaiting the answer"), ("answered", "answer sent")],
                default="notified",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="objection",
            name="reason",
            field=models.TextField(verbose_name="grounds"),
        ),
        migrations.RunPython(forward, backward),
    ]

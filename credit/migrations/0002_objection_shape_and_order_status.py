"""Objections to assessments take the one objection shape (a window and a decision time), and a
rectification order gets a status for its declared step. Existing rows move with it: an order
with a rectification date is rectified; an objection's window is its assessment's."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def forward(apps, schema_editor):
    RectificationOrder = apps.get_model("credit", "RectificationOrder")
    Assessment = apps.get_model("credit", "Assessment")
    AssessmentObjection = apps.get_model("credit", "AssessmentObjection")
    RectificationOrder.objects.filter(done_on__isnull=False).update(status="rectified")
    AssessmentObjection.objects.update(
        open_until=Subquery(
            Assessment.objects.filter(pk=OuterRef("assessment")).values("objections_until")[:1]
        )
    )


def backward(apps, schema_editor):
    """The status and the window go with their columns; ``done_on`` kept what ``status`` said."""


class Migration(migrations.Migration):

    dependencies = [
        ('coop', '0006_stepevent'),
        ('credit', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='rectificationorder',
            name='credit_rect_coopera_827b8a_idx',
        ),
        migrations.AddField(
            model_name='assessmentobjection',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='decided'),
        ),
        migrations.AddField(
            model_name='assessmentobjection',
            name='open_until',
            field=models.DateField(blank=True, null=True, verbose_name='objections open until'),
        ),
        migrations.AddField(
            model_name='rectificationorder',
            name='status',
            field=models.CharField(choices=[('open', 'to be rectified'), ('rectified', 'rectified')], default='open', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='assessmentobjection',
            name='reason',
            field=models.TextField(verbose_name='grounds'),
        ),
        migrations.AddIndex(
            model_name='rectificationorder',
            index=models.Index(fields=['cooperative', 'status', 'deadline'], name='credit_rect_coopera_6d7984_idx'),
        ),
        migrations.RunPython(forward, backward),
    ]

"""A lab's turnaround in calendar days, and the day a batch's sample was received.

Batches received before this migration get their receipt day from the event of their
``receive`` step (coop's StepEvent, in the portal's time zone) and, when nobody typed a due date,
the due date the receive step now sets: the receipt day plus the lab's turnaround (7 days, the
default every lab has at this point). Stored rather than computed in each list: the due date is
then one column that the worklists, the API and the batch's page read and sort alike on
PostgreSQL and SQLite, and a lab that later changes its turnaround does not move the due dates
of samples it already received. Going back drops the two columns; the due dates set here stay."""

from datetime import timedelta

import django.core.validators
from django.db import migrations, models
from django.utils import timezone

CHUNK = 2000


def backfill(apps, schema_editor):
    StepEvent = apps.get_model("coop", "StepEvent")
    Batch = apps.get_model("testing_fund", "Batch")
    receipts = (
        StepEvent.objects.filter(workflow="batch", step="receive")
        .order_by("object_id", "at", "pk")
        .values_list("object_id", "at")
    )
    pending = {}

    def apply():
        rows = list(
            Batch.objects.filter(pk__in=pending, received_on__isnull=True).select_related("lab")
        )
        for batch in rows:
            batch.received_on = timezone.localtime(pending[batch.pk]).date()
            if batch.due_on is None:
                batch.due_on = batch.received_on + timedelta(days=batch.lab.turnaround_days)
        Batch.objects.bulk_update(rows, ["received_on", "due_on"], batch_size=CHUNK)
        pending.clear()

    for object_id, at in receipts.iterator(chunk_size=CHUNK):
        pending.setdefault(object_id, at)  # the first receipt, should there be two
        if len(pending) == CHUNK:
            apply()
    if pending:
        apply()


class Migration(migrations.Migration):
    dependencies = [
        ("testing_fund", "0015_batch_sampled_product"),
    ]

    operations = [
        migrations.AddField(
            model_name="batch",
            name="received_on",
            field=models.DateField(blank=True, null=True, verbose_name="received"),
        ),
        migrations.AddField(
            model_name="testinginstitution",
            name="turnaround_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text=(
                    "Calendar days from receiving a sample to its report: a sample received "
                    "without a due date is due this many days later."
                ),
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(365),
                ],
                verbose_name="turnaround (days)",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

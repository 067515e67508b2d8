"""A failed batch has one re-inspection under way at a time and one free re-inspection, held by
two partial unique constraints (``Batch.Meta``).

Before this, ordering the re-inspection twice (twice in a row, or two staff at once) made
several, each free. What the constraints would refuse is settled first, where nothing has been
spent: a later duplicate still only requested is rejected (the first one stands), and a later
free one still only requested becomes the member's to pay, as it would be now. A duplicate
already approved or further has money reserved or a sample tested: which one stands, and who
pays, is the bureau's decision, so the migration stops and names them; cancel all but one on
their pages with the portal as it was, then migrate again."""

from django.db import migrations, models
from django.utils import timezone

OPEN = ["requested", "approved", "sampled", "received", "entered", "verified"]
NEVER_TESTED = ["rejected", "cancelled"]
DUPLICATE = "同一不合格批次同时只安排一次复检：本复检与批次 %(first)s 重复。"
NOT_FREE = "每个不合格批次只有一次免费复检（批次 %(first)s 已用）：本复检改由社员付费。"


def later_ones(rows):
    """The re-inspections of each failed batch after its first one, as {first: [later…]}."""
    first, later = {}, {}
    for row in rows.order_by("reinspection_of_id", "requested_at", "pk"):
        if row.reinspection_of_id not in first:
            first[row.reinspection_of_id] = row
        else:
            later.setdefault(first[row.reinspection_of_id].pk, []).append(row)
    return later


def settle_duplicates(apps, schema_editor):
    Batch = apps.get_model("testing_fund", "Batch")
    StepEvent = apps.get_model("coop", "StepEvent")
    reinspections = Batch.objects.filter(reinspection_of__isnull=False)
    now, events, stuck = timezone.now(), [], []
    for first, rows in later_ones(reinspections.filter(status__in=OPEN)).items():
        for row in rows:
            if row.status != "requested":
                stuck.append(row.pk)
                continue
            Batch.objects.filter(pk=row.pk).update(status="rejected")
            events.append(
                StepEvent(
                    cooperative_id=row.cooperative_id,
                    workflow="batch",
                    object_id=row.pk,
                    step="reject",
                    from_status="requested",
                    to_status="rejected",
                    reason=DUPLICATE % {"first": first},
                    details={},
                    at=now,
                )
            )
    free = reinspections.filter(free_reinspection=True).exclude(status__in=NEVER_TESTED)
    for first, rows in later_ones(free).items():
        for row in rows:
            if row.status != "requested":
                stuck.append(row.pk)
                continue
            Batch.objects.filter(pk=row.pk).update(free_reinspection=False, paid_by_member=True)
            events.append(
                StepEvent(
                    cooperative_id=row.cooperative_id,
                    workflow="batch",
                    object_id=row.pk,
                    step="request",
                    from_status="requested",
                    to_status="requested",
                    reason=NOT_FREE % {"first": first},
                    details={"free_reinspection": False, "paid_by_member": True},
                    at=now,
                )
            )
    if stuck:
        raise RuntimeError(
            "These re-inspections duplicate another of the same failed batch and are already "
            f"approved or further: {sorted(set(stuck))}. Cancel all but one of each (on the "
            "batch's page, with the portal as it was), then migrate again."
        )
    StepEvent.objects.bulk_create(events)


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0006_stepevent"),
        ("testing_fund", "0012_batch_history_to_step_events"),
    ]

    operations = [
        migrations.RunPython(settle_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="batch",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("free_reinspection", True),
                    models.Q(("status__in", ["rejected", "cancelled"]), _negated=True),
                ),
                fields=("cooperative", "reinspection_of"),
                name="one_free_reinspection_per_failed_batch",
            ),
        ),
        migrations.AddConstraint(
            model_name="batch",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", OPEN)),
                fields=("cooperative", "reinspection_of"),
                name="one_open_reinspection_per_failed_batch",
            ),
        ),
    ]

"""A batch's history moves from its audit records into coop's StepEvent, where its declared
workflows record their steps (``services/batches.py``: "batch", "rectification",
"report_objection"), and a batch booked by a sampling round gets the event of its booking. The
audit records stay as they are. Going back removes those workflows' events."""

from django.db import migrations

CHUNK = 5000
WORKFLOWS = ["batch", "rectification", "report_objection"]
# audit action: (step, the status it led to; None where the step leaves it)
BATCH_STEPS = {
    "batch_request": ("request", "requested"),
    "batch_approve": ("approve", "approved"),
    "batch_reject": ("reject", "rejected"),
    "batch_cancel": ("cancel", "cancelled"),
    "batch_sample": ("sample", "sampled"),
    "batch_receive": ("receive", "received"),
    "batch_enter": ("enter", "entered"),
    "batch_verify": ("verify", "verified"),
    "batch_report": ("report", "reported"),
    "batch_close": ("close", "closed"),
    "batch_rectification_notice": ("rectification", None),
    "batch_objection": ("object", None),
}


def forward(apps, schema_editor):
    AuditRecord = apps.get_model("coop", "AuditRecord")
    StepEvent = apps.get_model("coop", "StepEvent")
    Batch = apps.get_model("testing_fund", "Batch")
    Rectification = apps.get_model("testing_fund", "Rectification")
    Objection = apps.get_model("testing_fund", "Objection")
    rectifications = dict(Rectification.objects.values_list("batch_id", "pk"))
    objections = {
        batch_id: (pk, decision)
        for batch_id, pk, decision in Objection.objects.values_list("batch_id", "pk", "decision")
    }
    state, pending = {}, []

    def add(**event):
        pending.append(StepEvent(**event))
        if len(pending) == CHUNK:
            StepEvent.objects.bulk_create(pending)
            pending.clear()

    booked = Batch.objects.filter(sampling_round__isnull=False).values_list(
        "pk", "cooperative_id", "requested_at"
    )
    for pk, cooperative_id, requested_at in booked.order_by("pk").iterator(chunk_size=CHUNK):
        state[pk] = "approved"
        add(
            cooperative_id=cooperative_id,
            workflow="batch",
            object_id=pk,
            step="book",
            from_status="",
            to_status="approved",
            at=requested_at,
        )
    records = AuditRecord.objects.filter(object_type="testing_fund.batch").order_by(
        "object_id", "at", "pk"
    )
    for record in records.iterator(chunk_size=CHUNK):
        common = {
            "cooperative_id": record.cooperative_id,
            "actor_id": record.actor_id,
            "reason": record.reason,
            "at": record.at,
        }
        batch_id = record.object_id
        if record.action in BATCH_STEPS:
            step, to_status = BATCH_STEPS[record.action]
            before = state.get(batch_id, "")
            state[batch_id] = to_status or before
            add(
                workflow="batch",
                object_id=batch_id,
                step=step,
                from_status=before,
                to_status=state[batch_id],
                **common,
            )
        elif record.action == "batch_rectification_answer" and batch_id in rectifications:
            add(
                workflow="rectification",
                object_id=rectifications[batch_id],
                step="answer",
                from_status="notified",
                to_status="answered",
                **common,
            )
        elif record.action == "batch_objection_decision" and batch_id in objections:
            objection_id, decision = objections[batch_id]
            add(
                workflow="report_objection",
                object_id=objection_id,
                step="decide",
                from_status="pending",
                to_status=decision,
                **common,
            )
    StepEvent.objects.bulk_create(pending)


def backward(apps, schema_editor):
    apps.get_model("coop", "StepEvent").objects.filter(workflow__in=WORKFLOWS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("testing_fund", "0011_rectification_status_and_objection_shape"),
        ("coop", "0006_stepevent"),
    ]

    operations = [migrations.RunPython(forward, backward)]

"""A member's lifecycle history moves from members_memberevent into coop's StepEvent (workflow
"member"), where every declared workflow records its steps; the next migration drops the old
table. Reversible: going back copies the rows home and removes them from StepEvent."""

from django.db import migrations

BATCH = 5000


def details_of(event):
    details = {}
    if event.exit_kind:
        details["exit_kind"] = event.exit_kind
    if event.decision_date is not None:
        details["decision_date"] = event.decision_date.isoformat()
    return details


def forward(apps, schema_editor):
    MemberEvent = apps.get_model("members", "MemberEvent")
    StepEvent = apps.get_model("coop", "StepEvent")
    rows = MemberEvent.objects.order_by("pk").iterator(chunk_size=BATCH)
    batch = []
    for event in rows:
        batch.append(
            StepEvent(
                cooperative_id=event.cooperative_id,
                workflow="member",
                object_id=event.member_id,
                step=event.verb,
                from_status=event.from_status,
                to_status=event.to_status,
                actor_id=event.actor_id,
                reason=event.reason,
                details=details_of(event),
                at=event.at,
            )
        )
        if len(batch) == BATCH:
            StepEvent.objects.bulk_create(batch)
            batch = []
    StepEvent.objects.bulk_create(batch)


def backward(apps, schema_editor):
    MemberEvent = apps.get_model("members", "MemberEvent")
    StepEvent = apps.get_model("coop", "StepEvent")
    Member = apps.get_model("members", "Member")
    events = StepEvent.objects.filter(workflow="member")
    existing = set(Member.objects.values_list("pk", flat=True))
    MemberEvent.objects.bulk_create(
        (
            MemberEvent(
                cooperative_id=event.cooperative_id,
                member_id=event.object_id,
                verb=event.step,
                from_status=event.from_status,
                to_status=event.to_status,
                actor_id=event.actor_id,
                reason=event.reason,
                exit_kind=event.details.get("exit_kind", ""),
                decision_date=event.details.get("decision_date"),
                at=event.at,
            )
            for event in events.order_by("pk").iterator(chunk_size=BATCH)
            if event.object_id in existing
        ),
        batch_size=BATCH,
    )
    events.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_lending_consent"),
        ("coop", "0006_stepevent"),
    ]

    operations = [migrations.RunPython(forward, backward)]

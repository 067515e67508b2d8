# The facts a report now names, filled for the batches tested before they were kept:
# - when the results were entered and verified, and who approved the report, read from the
#   batch workflow's own events (coop.StepEvent: "enter", "verify", "report"; the last of each);
# - the product of a round's supervisory samples, booked until now as the words "supervisory
#   sample" (in the language of whoever confirmed the round): what the samplers took, else the
#   member's main product as a round now books it (testing_fund.main_products), else nothing
#   (the samplers name it at sampling).
# The dates of testing and the condition on receipt were never said: they stay empty.

from django.db import migrations

from testing_fund.main_products import main_products

BATCH_SIZE = 2000
PLACEHOLDERS = ["supervisory sample", "监督抽查样品"]


def fill_signatures(apps, schema_editor):
    Batch = apps.get_model("testing_fund", "Batch")
    StepEvent = apps.get_model("coop", "StepEvent")
    latest = {}
    events = (
        StepEvent.objects.filter(workflow="batch", step__in=["enter", "verify", "report"])
        .order_by("at", "id")
        .values_list("object_id", "step", "at", "actor_id")
    )
    for object_id, step, at, actor_id in events.iterator(chunk_size=BATCH_SIZE):
        latest[(object_id, step)] = (at, actor_id)
    ids = sorted({object_id for object_id, _step in latest})
    for start in range(0, len(ids), BATCH_SIZE):
        changed = []
        for batch in Batch.objects.filter(pk__in=ids[start : start + BATCH_SIZE]):
            before = (batch.entered_at, batch.verified_at, batch.reported_by_id)
            if batch.entered_at is None and (batch.pk, "enter") in latest:
                batch.entered_at = latest[(batch.pk, "enter")][0]
            if batch.verified_at is None and (batch.pk, "verify") in latest:
                batch.verified_at = latest[(batch.pk, "verify")][0]
            if batch.reported_by_id is None and (batch.pk, "report") in latest:
                batch.reported_by_id = latest[(batch.pk, "report")][1]
            if (batch.entered_at, batch.verified_at, batch.reported_by_id) != before:
                changed.append(batch)
        Batch.objects.bulk_update(changed, ["entered_at", "verified_at", "reported_by"])


def name_supervisory_products(apps, schema_editor):
    Batch = apps.get_model("testing_fund", "Batch")
    models = {
        "Member": apps.get_model("members", "Member"),
        "ProductDeclaration": apps.get_model("standards", "ProductDeclaration"),
        "DeclaredStandard": apps.get_model("standards", "DeclaredStandard"),
        "MemberProductCategory": apps.get_model("members", "MemberProductCategory"),
    }
    placeholders = Batch.objects.filter(kind="supervisory", product__in=PLACEHOLDERS)
    # Those whose samplers said what they took are named by it.
    for batch in placeholders.exclude(sampled_product="").exclude(sampled_product__in=PLACEHOLDERS):
        Batch.objects.filter(pk=batch.pk).update(product=batch.sampled_product[:200])
    rounds = placeholders.values_list("sampling_round_id", flat=True).distinct()
    for round_id in list(rounds):
        rows = list(
            placeholders.filter(sampling_round_id=round_id).values_list(
                "pk", "member_id", "standard_id", "safety_category"
            )
        )
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            _pk, _member, standard_id, category = chunk[0]
            products = main_products(
                [member_id for _pk, member_id, _s, _c in chunk],
                standard_id=standard_id,
                category=category,
                models=models,
            )
            changed = []
            for pk, member_id, _standard, _category in chunk:
                batch = Batch(pk=pk, product=products.get(member_id, ""))
                changed.append(batch)
            Batch.objects.bulk_update(changed, ["product"])


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0013_document_editions_and_attachments"),
        ("members", "0007_paper_convention_signatures"),
        ("standards", "0006_alter_collectionentry_options"),
        ("testing_fund", "0018_report_facts_scope_and_retests"),
    ]

    operations = [
        migrations.RunPython(fill_signatures, migrations.RunPython.noop),
        migrations.RunPython(name_supervisory_products, migrations.RunPython.noop),
    ]

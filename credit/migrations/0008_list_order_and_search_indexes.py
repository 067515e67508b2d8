"""Indexes for the province's size (issue 17): one for each credit list's default order, the
current grades by cooperative and by member, and trigram GIN indexes for the registry's search
of products and standards on PostgreSQL, on the upper-cased columns icontains compares (as
standards/0003 does). Other databases (SQLite in the demo) search without them."""

from django.db import migrations, models

TRIGRAM_INDEXES = [
    ("commitment_products_trgm", 'UPPER("products")'),
    # A standard's code is searched with its spaces taken out (GB/T22796 finds GB/T 22796).
    ("commitment_standards_trgm", "UPPER(REPLACE(\"standards\", ' ', ''))"),
]


def create_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON credit_commitment "
            f"USING gin ({expression} gin_trgm_ops)"
        )


def drop_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("credit", "0007_creditgrade_latest")]

    operations = [
        migrations.RunPython(create_trigram, drop_trigram),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                fields=["cooperative", "-created_at", "-id"], name="commitment_list_order"
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-published_at", "-id"],
                name="commitment_registry_order",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                fields=["cooperative", "-received_at", "-id"], name="complaint_list_order"
            ),
        ),
        migrations.AddIndex(
            model_name="creditgrade",
            index=models.Index(
                condition=models.Q(("latest", True)),
                fields=["cooperative", "grade"],
                name="grade_latest_by_coop",
            ),
        ),
        migrations.AddIndex(
            model_name="creditgrade",
            index=models.Index(
                condition=models.Q(("latest", True)),
                fields=["member"],
                name="grade_latest_of_member",
            ),
        ),
    ]

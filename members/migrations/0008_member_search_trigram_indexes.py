"""The public search and the registry find members by a part of the name, the USCC, the
registration number or the main products (issue 17: at a province's million members a
substring match no index serves reads every member). Trigram GIN indexes on the upper-cased
columns, which is what Django's icontains compares (as standards/0003 does), on PostgreSQL
only; other databases (SQLite in the demo) search without them."""

from django.db import migrations

INDEXES = [
    ("member_name_trgm", "name"),
    ("member_uscc_trgm", "uscc"),
    ("member_registration_trgm", "registration_number"),
    ("member_main_products_trgm", "main_products"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON members_member "
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0007_paper_convention_signatures")]
    operations = [migrations.RunPython(create, drop)]

"""Substring search of standards' codes and titles on PostgreSQL: trigram GIN indexes on the
upper-cased columns, which is what Django's icontains compares (DESIGN.md, Chinese search).
Other databases (SQLite in the embedded default) search without them."""

from django.db import migrations

INDEXES = [
    ("standard_code_trgm", "code"),
    ("standard_title_zh_trgm", "title_zh"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON standards_standard '
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("standards", "0002_indicator_standard_limit_indicator_method_and_more")]
    operations = [migrations.RunPython(create, drop)]

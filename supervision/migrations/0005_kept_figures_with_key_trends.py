"""The kept figures hold the key indicators' trend (``key_trends``) since this release: the
rows computed before it lack it, so each is marked stale and computed again when next read
(or by the sweep)."""

from django.db import migrations


def mark_stale(apps, schema_editor):
    apps.get_model("supervision", "CooperativeFigures").objects.update(computed_version=None)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_refresh_kept_figures_schedule")]

    operations = [migrations.RunPython(mark_stale, migrations.RunPython.noop)]

"""The links of the textile and home-textile chain (Ningbo's textile and clothing chain map,
BRIEF.md), from fibre to the shop. Kept as rows, so another industry's chain is data too."""

from django.db import migrations

from members.chain_links import TEXTILE


def seed(apps, schema_editor):
    ChainLink = apps.get_model("members", "ChainLink")
    for order, (code, name_zh, name_en) in enumerate(TEXTILE, start=1):
        ChainLink.objects.update_or_create(
            industry="textile",
            code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "order": order},
        )


def unseed(apps, schema_editor):
    ChainLink = apps.get_model("members", "ChainLink")
    ChainLink.objects.filter(industry="textile", code__in=[code for code, *_ in TEXTILE]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0009_chain_links")]

    operations = [migrations.RunPython(seed, unseed)]

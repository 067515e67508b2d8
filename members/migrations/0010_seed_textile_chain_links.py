"""The links of the textile and home-textile chain (Ningbo's textile and clothing chain map,
BRIEF.md), from fibre to the shop. Kept as rows, so another industry's chain is data too."""

from django.db import migrations

TEXTILE = [
    ("fibre-yarn", "纤维与纱线", "fibre and yarn"),
    ("fabric", "面料", "fabric"),
    ("dyeing-finishing", "印染整理", "dyeing and finishing"),
    ("accessories", "辅料", "accessories"),
    ("finished-goods", "成品", "finished goods"),
    ("trade-ecommerce", "贸易与电商", "trade and e-commerce"),
]


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

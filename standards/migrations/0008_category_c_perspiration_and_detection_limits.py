# Existing catalogues get what GB 18401-2010 table 1 requires and an earlier catalogue missed:
# colour fastness to acid and alkaline perspiration of at least 3 for category C, as for B.
# Formaldehyde gets the detection limit of its method (GB/T 2912.1-2009: under 20 mg/kg is
# reported 未检出), so a result entered as 未检出 or ND is judged; pH reads at most 14; odour
# names its method (GB 18401-2010 6.7). The GB 18401 limits cite their table. Rows of a catalogue without these standards or indicators
# are left alone (``manage.py load_standards`` makes them). Reversing removes only the rows
# this added.

from decimal import Decimal

from django.db import migrations

PERSPIRATION = ["fastness-acid-perspiration", "fastness-alkaline-perspiration"]


def forward(apps, schema_editor):
    Standard = apps.get_model("standards", "Standard")
    Indicator = apps.get_model("standards", "Indicator")
    Limit = apps.get_model("standards", "Limit")
    Indicator.objects.filter(code="formaldehyde", detection_limit=None).update(
        detection_limit=Decimal(20)
    )
    Indicator.objects.filter(code="ph", largest=None).update(largest=Decimal(14))
    gb = Standard.objects.filter(cooperative=None, code="GB 18401-2010").first()
    if gb is None:
        return
    for indicator in Indicator.objects.filter(code__in=PERSPIRATION):
        Limit.objects.get_or_create(
            standard=gb,
            indicator=indicator,
            category="C",
            defaults={"minimum": Decimal(3), "clause": "表1"},
        )
    Limit.objects.filter(standard=gb, clause="").update(clause="表1")
    # Odour is tested by GB 18401-2010's own method (6.7).
    Indicator.objects.filter(code="odour", method=None).update(method=gb)


def backward(apps, schema_editor):
    Limit = apps.get_model("standards", "Limit")
    Limit.objects.filter(
        standard__cooperative=None,
        standard__code="GB 18401-2010",
        indicator__code__in=PERSPIRATION,
        category="C",
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("standards", "0007_limit_sources_and_detection_limits")]

    operations = [migrations.RunPython(forward, backward)]

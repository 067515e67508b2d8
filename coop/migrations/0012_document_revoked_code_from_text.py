"""Documents revoked before reasons were coded hold the portal's sentence in the language of
whoever acted; those sentences (English or Chinese) become their code, so they read in the
reader's language. Typed reasons stay as they are."""

from django.db import migrations

# The exact sentences the portal wrote, in each language it wrote them.
KNOWN = {
    "member_left": ["The member unit left the cooperative.", "该社员单位已退出合作社。"],
    "commitment_replaced": ["replaced by a new commitment", "已由新的承诺替代"],
}


def to_codes(apps, schema_editor):
    Document = apps.get_model("coop", "Document")
    StepEvent = apps.get_model("coop", "StepEvent")
    for code, texts in KNOWN.items():
        Document.objects.filter(revoked_code="", revoked_reason__in=texts).update(
            revoked_code=code, revoked_reason=""
        )
        for event in StepEvent.objects.filter(reason__in=texts):
            event.details = dict(event.details or {}, reason_code=code)
            event.reason = ""
            event.save(update_fields=["details", "reason"])


def to_texts(apps, schema_editor):
    Document = apps.get_model("coop", "Document")
    for code, texts in KNOWN.items():
        Document.objects.filter(revoked_code=code).update(revoked_code="", revoked_reason=texts[0])


class Migration(migrations.Migration):
    dependencies = [("coop", "0011_document_revoked_code")]

    operations = [migrations.RunPython(to_codes, to_texts)]

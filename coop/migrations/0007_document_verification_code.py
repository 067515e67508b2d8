# Documents gain a random verification code: the public verification and the QR code use it,
# since sequential numbers let anyone list every report. Existing documents get theirs here;
# their printed PDFs keep the old number link, which from now on opens nothing, and the
# members find the new code on their documents' pages.

import secrets

from django.db import migrations, models

import coop.models


def give_codes(apps, schema_editor):
    Document = apps.get_model("coop", "Document")
    for document in Document.objects.filter(code=None).only("pk").iterator():
        Document.objects.filter(pk=document.pk).update(code=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0006_stepevent"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="code",
            field=models.CharField(
                editable=False, max_length=32, null=True, verbose_name="verification code"
            ),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="document",
            name="code",
            field=models.CharField(
                default=coop.models.verification_code,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="verification code",
            ),
        ),
    ]

# API tokens moved from DRF's authtoken to django-rest-knox (coop/tokens.py), and
# rest_framework.authtoken left INSTALLED_APPS. Its table would stay behind in databases made
# before: its old tokens are useless now, and its foreign key to the user, no longer cascaded
# by Django, would make deleting a user who once had a token fail. So it goes, and so does the
# record of its migrations, so that installing that app again would create its table anew.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0007_document_verification_code"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
        migrations.RunSQL(
            "DELETE FROM django_migrations WHERE app = 'authtoken'", migrations.RunSQL.noop
        ),
    ]

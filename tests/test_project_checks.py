import pytest
from django.core.management import call_command


def test_the_system_checks_are_clean():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingFundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "testing_fund"
    verbose_name = _("free-testing fund")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """The top floor: what reads across the apps below (role homes, the region dashboard,
    the annual report, region statistics, the demo). No app imports it, and it has no models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("supervision")

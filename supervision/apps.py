from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """The top floor: what reads across the apps below (role homes, the region dashboard,
    the annual report, region statistics, the demo) and each cooperative's schedules. No app
    imports it; its one model links a scheduled task to its cooperative (``models.py``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("supervision")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Connects the Celery signals that record each scheduled run's outcome, in the web
        # process and in every worker (which loads the apps before it takes a task).
        from supervision import schedules  # noqa: F401
        from supervision.navigation import note_api_user

        # The account menu shows the API to those holding a token, noted once at login.
        user_logged_in.connect(note_api_user, dispatch_uid="supervision-note-api-user")

        # A write to any row of the apps the dashboard counts makes its cooperative's kept
        # figures stale (supervision/kept_figures.py); so does a step taken (its event), and
        # an import (its row is saved; its members are inserted in bulk, without signals).
        from django.apps import apps

        from coop import staff_cache
        from coop.models import StepEvent
        from supervision import kept_figures
        from supervision.models import CooperativeFigures

        # The kept figures are written while the dashboard reads: no staff list shows them.
        staff_cache.ignore(CooperativeFigures)

        kept_figures.watch(
            StepEvent,
            *apps.get_app_config("members").get_models(),
            *apps.get_app_config("testing_fund").get_models(),
            *apps.get_app_config("credit").get_models(),
        )

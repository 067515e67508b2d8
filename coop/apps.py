from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoopConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coop"
    verbose_name = _("cooperatives and accounts")

    def ready(self):
        # Each app declares its workflows in its ``workflows`` module: loaded at start, so the
        # registry (inboxes, the structural tests) knows every workflow before any request.
        autodiscover_modules("workflows")
        # API tokens die at a logout from the pages and at a password change: receivers.
        # The public pages show the cooperatives, their regions and districts (and each app
        # names its own models): a change throws the cached pages away (coop/public_cache.py).
        from coop import public_cache, tokens  # noqa: F401
        from coop.models import Cooperative, District, Document, Region, StepEvent

        # A document issued, and every declared step (its event): what public pages
        # show changes by these, bulk updates inside a step (a report revoked) included.
        public_cache.watch(Cooperative, District, Region, Document, StepEvent)

        # Staff lists kept per person are thrown away by any write to their cooperative's
        # tables, seen in the SQL each connection runs (coop/staff_cache.py).
        from django.db.backends.signals import connection_created

        from coop import staff_cache

        connection_created.connect(staff_cache.install, dispatch_uid="staff-cache-install")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, with the portal's site that lets staff in by role (coop.admin_site)."""

    default = False
    default_site = "coop.admin_site.PortalAdminSite"

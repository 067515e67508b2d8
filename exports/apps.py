from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exports"
    verbose_name = _("export quality")

    def ready(self):
        # The public list of same-line products is cached (coop/public_cache.py): a change to
        # one throws the cached public pages away. The workflows register on import.
        from coop import public_cache
        from exports.models import SameLineProduct
        from exports.services import measures, same_line  # noqa: F401

        public_cache.watch(SameLineProduct)

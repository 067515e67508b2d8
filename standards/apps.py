from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "standards"
    verbose_name = _("standards library")

    def ready(self):
        # Public pages show standards and declared products: a change to any of the app's rows
        # throws the cached public pages away (coop/public_cache.py).
        from coop import public_cache

        public_cache.watch(*self.get_models())

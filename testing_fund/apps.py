from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingFundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "testing_fund"
    verbose_name = _("free-testing fund")

    def ready(self):
        # Who may see the files attached to a batch (photos of the sample and its seal) and to
        # its rectification notice (the answer's evidence): who may see the batch.
        from coop import attachments
        from testing_fund.selectors import batch_visible, rectification_visible

        attachments.register("testing_fund.batch", batch_visible)
        attachments.register("testing_fund.rectification", rectification_visible)
        # Public pages show test results by product: a change to any of the app's rows throws
        # the cached public pages away (coop/public_cache.py).
        from coop import public_cache

        public_cache.watch(*self.get_models())

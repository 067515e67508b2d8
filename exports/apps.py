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

        # The member's record counts its export products, alerts and same-line declarations.
        from django.utils.translation import gettext_lazy, pgettext_lazy

        from exports.models import ExportProduct, MeasureAlert
        from members import programmes

        programmes.register(
            programmes.Programme(
                "export_products",
                pgettext_lazy("menu", "Export products"),
                lambda: ExportProduct.objects.all(),
                "export-product-list",
            ),
            programmes.Programme(
                "trade_alerts",
                gettext_lazy("Trade-measure alerts"),
                # A withdrawn alert (the measure no longer touches the member) is none.
                lambda: MeasureAlert.objects.exclude(status=MeasureAlert.Status.WITHDRAWN),
                "trade-measure-list",
            ),
            programmes.Programme(
                "same_line",
                pgettext_lazy("menu", "Same-line products"),
                lambda: SameLineProduct.objects.all(),
                "same-line-list",
            ),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chains"
    verbose_name = _("industry-chain quality")

    def ready(self):
        # The workflows register on import; the member's record counts what the member has
        # here (members/programmes.py), linked to the list narrowed to it.
        from django.utils.translation import gettext_lazy

        from chains.models import ChainAgreement, ChainSupplier
        from chains.services import agreements, research  # noqa: F401
        from members import programmes

        programmes.register(
            programmes.Programme(
                "chain_supplier",
                gettext_lazy("Quality-consistency agreements as a supplier"),
                lambda: ChainSupplier.objects.all(),
                "chain-agreement-list",
            ),
            programmes.Programme(
                "chain_owner",
                gettext_lazy("Quality-consistency agreements as chain owner"),
                lambda: ChainAgreement.objects.all(),
                "chain-agreement-list",
                member_field="owner_member",
            ),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from testing_fund import risk


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = _("commitments and credit")

    def ready(self):
        # Imported here, not at the top: it reads credit's models, which load after this class.
        from credit.exports import MEMBER_GRADE
        from credit.sampling import REASONS, RISK_SOURCES
        from members import exports
        from testing_fund import round_words

        for source in RISK_SOURCES:
            risk.register(source)
        round_words.register(REASONS)
        exports.register(MEMBER_GRADE)

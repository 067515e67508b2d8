from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from testing_fund import risk


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = _("commitments and credit")

    def ready(self):
        # Imported here, not at the top: it reads credit's models, which load after this class.
        from credit import announcements
        from credit.exports import MEMBER_GRADE
        from credit.sampling import REASONS, RISK_SOURCES
        from members import exports
        from testing_fund import round_words

        for source in RISK_SOURCES:
            risk.register(source)
        round_words.register(REASONS)
        exports.register(MEMBER_GRADE)
        announcements.connect()  # a member's exit is announced when it is recorded
        # Public pages show commitments, grades, announcements, complaints' outcomes: a change
        # to any of credit's rows throws the cached public pages away (coop/public_cache.py).
        from coop import public_cache

        public_cache.watch(*self.get_models())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("member units and people")

    def ready(self):
        # Who may see the scan of a paper signature (an attachment of the signature): who
        # may see its member unit.
        from coop import attachments
        from members.selectors import signature_visible

        attachments.register("members.conventionsignature", signature_visible)
        # Public pages show members, their certifications and honours: a change to any of the
        # app's rows throws the cached public pages away (coop/public_cache.py).
        from coop import public_cache

        public_cache.watch(*self.get_models())

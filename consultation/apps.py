"""Consultation (the Wenzhou seed programme's consultation line): members ask the bureau about
standards, testing and labelling, staff answer, the time to answer is tracked, and an answered
question may be published as a public FAQ entry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultation"
    verbose_name = _("consultation")

    def ready(self):
        # The public FAQ shows published questions: a change to one throws the cached public
        # pages away (coop/public_cache.py).
        from consultation.models import Question
        from coop import public_cache

        public_cache.watch(Question)

        # The member's record counts its questions to the consultation line.
        from django.utils.translation import pgettext_lazy

        from members import programmes

        programmes.register(
            programmes.Programme(
                "questions",
                pgettext_lazy("menu", "Consultation line"),
                lambda: Question.objects.all(),
                "question-list",
            )
        )

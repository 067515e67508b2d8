"""A question to the consultation line (咨询热线): a member unit asks the bureau about
standards, testing, labelling or certification; an administrator answers; the member closes it
or asks a follow-up; an administrator may publish it, reworded so that it names no member, as a
public FAQ entry, and withdraw it.

The line promises an answer within 24 hours. What is measured: ``asked_at`` to ``answered_at``,
the first answer (a follow-up does not move it; the follow-up's own wait is its age while open,
from ``waiting_since``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import TenantModel

PROMISE_HOURS = 24  # the line's promise: an answer within a day


class Question(TenantModel):
    class Topic(models.TextChoices):
        STANDARDS = "standards", pgettext_lazy("consultation", "standards")
        TESTING = "testing", pgettext_lazy("consultation", "testing")
        LABELLING = "labelling", pgettext_lazy("consultation", "labelling")
        CERTIFICATION = "certification", pgettext_lazy("consultation", "certification")
        OTHER = "other", pgettext_lazy("consultation", "other")

    class Status(models.TextChoices):
        ASKED = "asked", pgettext_lazy("consultation", "awaiting an answer")
        ANSWERED = "answered", pgettext_lazy("consultation", "answered")
        CLOSED = "closed", pgettext_lazy("consultation", "closed")

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("member unit"),
    )
    topic = models.CharField(
        pgettext_lazy("consultation", "topic"), max_length=20, choices=Topic.choices
    )
    subject = models.CharField(pgettext_lazy("consultation", "subject"), max_length=200)
    text = models.TextField(pgettext_lazy("consultation", "question"))
    # An administrator may record a question the member asked on the telephone line.
    by_phone = models.BooleanField(
        pgettext_lazy("consultation", "received by phone"), default=False
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("consultation", "recorded by"),
    )
    asked_at = models.DateTimeField(pgettext_lazy("consultation", "asked"), default=timezone.now)
    # When the question (or its latest follow-up) began to wait for an answer.
    waiting_since = models.DateTimeField(
        pgettext_lazy("consultation", "waiting since"), default=timezone.now
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ASKED
    )
    answer = models.TextField(pgettext_lazy("consultation", "answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("consultation", "answered by"),
    )
    answered_at = models.DateTimeField(
        pgettext_lazy("consultation", "first answered"), null=True, blank=True
    )
    follow_up = models.TextField(pgettext_lazy("consultation", "follow-up"), blank=True)
    # The public FAQ entry: the question and answer as the public reads them, naming no member.
    faq_question = models.CharField(
        pgettext_lazy("consultation", "public question"), max_length=300, blank=True
    )
    faq_answer = models.TextField(pgettext_lazy("consultation", "public answer"), blank=True)
    published = models.BooleanField(
        pgettext_lazy("consultation", "published as FAQ"), default=False
    )
    published_at = models.DateTimeField(
        pgettext_lazy("consultation", "published"), null=True, blank=True
    )

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "-asked_at", "-id"], name="question_list_order"),
            # The open questions, oldest first (the staff list's panel and the inbox).
            models.Index(
                fields=["cooperative", "status", "waiting_since"], name="question_open_age"
            ),
            # The median and 90th percentile read the answers of the last 90 days.
            models.Index(fields=["cooperative", "answered_at"], name="question_answered"),
            models.Index(
                fields=["cooperative", "topic", "-published_at"],
                condition=models.Q(published=True),
                name="question_faq",
            ),
        ]
        verbose_name = pgettext_lazy("consultation", "question")
        verbose_name_plural = pgettext_lazy("consultation", "questions")

    def __str__(self):
        return self.subject

    @property
    def hours_to_answer(self):
        """Hours from asking to the first answer, one decimal; None while unanswered."""
        if self.answered_at is None:
            return None
        return round((self.answered_at - self.asked_at).total_seconds() / 3600, 1)

    @property
    def answered_late(self):
        hours = self.hours_to_answer
        return hours is not None and hours > PROMISE_HOURS

    @property
    def age_hours(self):
        """Hours the question has waited for its answer (its follow-up's, once followed up)."""
        return round((timezone.now() - self.waiting_since).total_seconds() / 3600, 1)

    @property
    def overdue(self):
        return self.status == self.Status.ASKED and self.age_hours > PROMISE_HOURS

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.models import TenantModel


def mask_phone(phone):
    """Enough to recognise a number, not to call it: a mobile 139****5678, others ****5678."""
    number = phone.strip()
    if len(number) <= 4:
        return "*" * len(number)
    keep = 3 if len(number) == 11 and number.isdigit() else 0  # a mobile's carrier prefix
    return number[:keep] + "*" * (len(number) - keep - 4) + number[-4:]


class QualityPerson(TenantModel):
    """A member's chief quality officer (首席质量官), one of its quality specialists (质量专员), or
    its chief standards officer (首席标准官)."""

    class Role(models.TextChoices):
        CHIEF_QUALITY_OFFICER = "cqo", _("chief quality officer")
        QUALITY_SPECIALIST = "specialist", _("quality specialist")
        CHIEF_STANDARDS_OFFICER = "cso", _("chief standards officer")

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="quality_people"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    appointed_on = models.DateField(_("appointed"))
    qualification_certificate = models.CharField(
        _("qualification certificate"), max_length=100, blank=True
    )
    ended_on = models.DateField(_("appointment ended"), null=True, blank=True)
    # Recorded from before the portal: may go back to 1900 (coop.periods).
    history_dates = ("appointed_on", "ended_on")

    class Meta:
        ordering = ["role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "member"],
                condition=Q(role="cqo", ended_on__isnull=True),
                name="one_current_cqo_per_member",
                violation_error_message=_(
                    "This member unit already has a chief quality officer: end that appointment "
                    "first."
                ),
            ),
            # The chief standards officer (首席标准官, the Wenzhou programme): one at a time too.
            models.UniqueConstraint(
                fields=["cooperative", "member"],
                condition=Q(role="cso", ended_on__isnull=True),
                name="one_current_cso_per_member",
                violation_error_message=_(
                    "This member unit already has a chief standards officer: end that "
                    "appointment first."
                ),
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "member"])]
        verbose_name = _("quality person")
        verbose_name_plural = _("quality people")

    def __str__(self):
        return self.name

    @property
    def masked_phone(self):
        return mask_phone(self.phone) if self.phone else ""


class TrainingRecord(TenantModel):
    person = models.ForeignKey(QualityPerson, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(_("course"), max_length=200)
    on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    # Recorded from before the portal: may go back to 1900 (coop.periods).
    history_dates = ("on",)

    class Meta:
        ordering = ["-on"]
        indexes = [models.Index(fields=["cooperative", "person"])]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")


class WorkstationSession(TenantModel):
    """A training session or exchange meeting of the chief-quality-officer workstation."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("training session")
        EXCHANGE = "exchange", _("exchange meeting")
        STANDARDS = "standards", _("standards training (贯标培训)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    standard = models.ForeignKey(
        "standards.Standard",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("standard taught"),
    )
    title = models.CharField(_("title"), max_length=200)
    on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=2)
    attendees = models.ManyToManyField(QualityPerson, through="Attendance", related_name="+")

    class Meta:
        ordering = ["-on"]
        verbose_name = _("workstation session")
        verbose_name_plural = _("workstation sessions")

    def __str__(self):
        return self.title


class Attendance(TenantModel):
    session = models.ForeignKey(
        WorkstationSession, on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(QualityPerson, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "session", "person"], name="attendance_once"
            )
        ]

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import TenantModel


class CreditGrade(TenantModel):
    """A member's quality credit grade for a validity period (T/CAQ 20301-2023: AAA to D).
    Grades are history: a new grade is a new row, the current one the row valid today."""

    class Grade(models.TextChoices):
        AAA = "AAA", "AAA"
        AA = "AA", "AA"
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="credit_grades"
    )
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["member", "-valid_from"]
        indexes = [models.Index(fields=["cooperative", "valid_until", "member"])]
        verbose_name = _("credit grade")
        verbose_name_plural = _("credit grades")

    def __str__(self):
        return self.grade


class Complaint(TenantModel):
    """A complaint about a member's product. Only one that staff find valid counts against the
    member (in sampling risk and, later, in its grade)."""

    class Triage(models.TextChoices):
        PENDING = "pending", _("not yet triaged")
        VALID = "valid", _("valid")
        INVALID = "invalid", _("invalid")
        DUPLICATE = "duplicate", _("duplicate")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="complaints"
    )
    product = models.CharField(_("product"), max_length=200)
    description = models.TextField(_("description"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    triage = models.CharField(
        _("triage"), max_length=20, choices=Triage.choices, default=Triage.PENDING
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["cooperative", "triage", "received_at"])]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

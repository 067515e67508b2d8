from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from coop.models import TenantModel
from members.uscc import normalise, validate_uscc


class USCCField(models.CharField):
    """A unified social credit code, upper-cased before it is checked."""

    default_validators = [validate_uscc]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value) if value else value


class Member(TenantModel):
    """A member unit (社员单位) of a cooperative."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        INDIVIDUAL_HOUSEHOLD = "individual_household", _("individual household")

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        UNDER_REVIEW = "under_review", _("under review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        EXITED = "exited", _("exited")

    name = models.CharField(_("name"), max_length=200)
    uscc = USCCField(_("unified social credit code"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.ENTERPRISE)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.APPLIED
    )
    district = models.CharField(_("district"), max_length=100)
    town = models.CharField(_("town"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "uscc"], name="member_uscc_unique_in_coop")
        ]
        indexes = [
            models.Index(fields=["cooperative", "status"]),
            models.Index(fields=["cooperative", "name"]),
        ]
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")

    def __str__(self):
        return self.name

    def clean(self):
        # The constraint would report the clash for the pair (cooperative, uscc); a person
        # needs it on the code they typed. The constraint still guards against races.
        clash = Member.objects.filter(cooperative_id=self.cooperative_id, uscc=self.uscc)
        if self.uscc and clash.exclude(pk=self.pk).exists():
            raise ValidationError(
                {"uscc": _("A member unit with this unified social credit code is already in "
                           "this cooperative.")},
                code="uscc_taken",
            )

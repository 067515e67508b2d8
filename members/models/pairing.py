from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from coop.models import TenantModel


class Pairing(TenantModel):
    """ "Big hand pulls small hand" (大手拉小手): a leading enterprise mentors a small member."""

    leader = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="led_pairings",
        verbose_name=_("leading enterprise"),
    )
    partner = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="pairings",
        verbose_name=_("small member"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    goals = models.TextField(_("goals"))

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["cooperative", "starts_on"])]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")

    def clean(self):
        errors = {}
        if self.leader_id and self.leader_id == self.partner_id:
            errors["partner"] = _("A member cannot be paired with itself.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A pairing ends after it starts.")
        if errors:
            raise ValidationError(errors)


class PairingActivity(TenantModel):
    class Kind(models.TextChoices):
        SHADOWING = "shadowing", _("job shadowing visit")
        TRAINING = "training", _("training")
        CONSULTATION = "consultation", _("technical consultation")
        OTHER = "other", _("other")

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["-on"]
        indexes = [models.Index(fields=["cooperative", "pairing"])]
        verbose_name = _("pairing activity")
        verbose_name_plural = _("pairing activities")

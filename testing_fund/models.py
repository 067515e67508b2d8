from django.db import models
from django.utils.translation import gettext_lazy as _

from coop.models import BilingualName


class TestingInstitution(BilingualName):
    """A lab: shared reference data, since one institution serves several cooperatives."""

    accreditation = models.CharField(
        _("accreditation"), max_length=100, blank=True, help_text=_("e.g. a CNAS number")
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    cooperatives = models.ManyToManyField(
        "coop.Cooperative",
        blank=True,
        related_name="institutions",
        verbose_name=_("cooperatives served"),
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("testing institution")
        verbose_name_plural = _("testing institutions")

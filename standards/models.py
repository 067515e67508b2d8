from django.db import models
from django.utils.translation import gettext_lazy as _

from coop.models import BilingualName


class ProductCategory(BilingualName):
    """A product category (bedding, towels …): shared reference data across cooperatives."""

    code = models.SlugField(_("code"), unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

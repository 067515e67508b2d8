from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import BilingualName


class ChainLink(BilingualName):
    """A link of an industry's chain (纤维与纱线, 面料 … 成品): reference data kept per industry
    and shared by every cooperative, like the indicators. A member names the link it works in
    (``Member.chain_link``); the chain map (supervision/chain_map.py) counts members, their
    batches and failures by link. Seeded for textiles and home textiles by
    members/migrations/0010; another industry's links are rows added the same way."""

    industry = models.SlugField(_("industry"), max_length=40)
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(pgettext_lazy("members", "order"), default=0)

    class Meta:
        ordering = ["industry", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["industry", "code"], name="chain_link_code_once")
        ]
        verbose_name = _("link in the industry chain")
        verbose_name_plural = _("links in the industry chain")

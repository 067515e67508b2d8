from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coop.tenancy import ScopedManager


class BilingualName(models.Model):
    """A name kept in Chinese and English; ``name`` follows the active language."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def __str__(self):
        return self.name


class TenantModel(models.Model):
    """Base of every model owned by one cooperative."""

    cooperative = models.ForeignKey(
        "coop.Cooperative",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
        verbose_name=_("cooperative"),
    )

    objects = ScopedManager()

    # Forward relations (user.member) and Django's delete collector read through the plain
    # base manager, so following a link from a row already fetched needs no second scope.

    class Meta:
        abstract = True


class Region(BilingualName):
    """The area of one market-supervision bureau, above several cooperatives."""

    slug = models.SlugField(_("slug"), unique=True)
    division_code = models.CharField(_("administrative division code"), max_length=6)

    class Meta:
        ordering = ["division_code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Cooperative(BilingualName):
    """The tenant: one quality cooperative of an industrial cluster."""

    slug = models.SlugField(_("slug"), unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="cooperatives", verbose_name=_("region")
    )
    industry = models.CharField(_("industry"), max_length=100)
    district = models.CharField(_("district"), max_length=100)
    district_code = models.CharField(_("district division code"), max_length=6)
    founding_units = models.TextField(
        _("founding units"), blank=True, help_text=_("One unit per line.")
    )
    established = models.DateField(_("established"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["established", "slug"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")

    def founding_unit_list(self):
        return [line.strip() for line in self.founding_units.splitlines() if line.strip()]


class Role(models.TextChoices):
    REGION_SUPERVISOR = "region_supervisor", _("region supervisor")
    COOP_ADMIN = "coop_admin", _("cooperative administrator")
    LAB_TECHNICIAN = "lab_technician", _("lab technician")
    ENTERPRISE = "enterprise", _("enterprise user")


# Which link each role needs; every other link stays empty, so a user has exactly one home.
ROLE_LINKS = {
    Role.REGION_SUPERVISOR: "region",
    Role.COOP_ADMIN: "cooperative",
    Role.LAB_TECHNICIAN: "institution",
    Role.ENTERPRISE: "member",
}


def _role_link_rule():
    links = set(ROLE_LINKS.values())
    no_role = Q(role="", **{f"{link}__isnull": True for link in links})
    rules = [
        Q(role=role, **{f"{link}__isnull": link != own for link in links})
        for role, own in ROLE_LINKS.items()
    ]
    for rule in rules:
        no_role |= rule
    return no_role


class User(AbstractUser):
    """An account. Accounts are not tenant-owned: a region supervisor spans cooperatives."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("region")
    )
    cooperative = models.ForeignKey(
        Cooperative, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("cooperative")
    )
    institution = models.ForeignKey(
        "testing_fund.TestingInstitution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("testing institution"),
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("member unit"),
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(
                condition=_role_link_rule(), name="user_role_has_exactly_its_link"
            )
        ]


class AuditRecord(TenantModel):
    """Who did what to which object, and why: written by every service that changes data."""

    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.PositiveBigIntegerField()
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["cooperative", "object_type", "object_id"])]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")

"""Benchmarking against advanced standards (对标达标, the Wenzhou seed programme).

The cooperative's staff publish a benchmarking scheme (对标方案) for a product: its key
indicators, and for each the advanced standards compared (international, foreign national, a
buyer's or company standard, domestic) with their values, the domestic value, and the advanced
value a product must meet. A member declares a product against a published scheme with the
values it claims; staff accept it (or return it with the reason); a third-party evaluation
certifies it, and the product is benchmarked (达标) while its certificate is valid."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import TenantModel
from standards import notation


class Direction(models.TextChoices):
    MAX = "max", _("at most (lower is better)")
    MIN = "min", _("at least (higher is better)")


def plain(value):
    """A decimal as people write it: 20, 7.5, 0.05 (not 2E+1 nor 20.000); "" for none."""
    return "" if value is None else notation.plain(value)


def meets(value, target, direction):
    """Whether ``value`` meets ``target`` in ``direction`` (max: not above; min: not below)."""
    return value <= target if direction == Direction.MAX else value >= target


class BenchmarkScheme(TenantModel):
    """A benchmarking scheme for one product, published by the cooperative's staff."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("benchmarking", "draft")
        PUBLISHED = "published", pgettext_lazy("benchmarking", "published")
        WITHDRAWN = "withdrawn", pgettext_lazy("benchmarking", "withdrawn")

    category = models.ForeignKey(
        "standards.ProductCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product category"),
    )
    product = models.CharField(_("product"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(
        pgettext_lazy("benchmarking", "published on"), null=True, blank=True
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["cooperative", "status", "-published_at"])]
        verbose_name = _("benchmarking scheme")
        verbose_name_plural = _("benchmarking schemes")

    def __str__(self):
        return self.title


class SchemeIndicator(TenantModel):
    """A key indicator of a scheme: the advanced value a product must meet, in a direction,
    beside the domestic value."""

    scheme = models.ForeignKey(BenchmarkScheme, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("indicator"), max_length=100)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    advanced_value = models.DecimalField(
        _("advanced value"),
        max_digits=12,
        decimal_places=3,
        help_text=_("The value a benchmarked product must meet."),
    )
    domestic_value = models.DecimalField(
        _("domestic value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    domestic_standard = models.CharField(
        _("domestic standard"),
        max_length=100,
        blank=True,
        help_text=_("e.g. GB 18401-2010 class B."),
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "scheme", "name"], name="scheme_indicator_once"
            )
        ]
        indexes = [models.Index(fields=["cooperative", "scheme"])]
        verbose_name = _("key indicator")
        verbose_name_plural = _("key indicators")

    def __str__(self):
        return self.name

    @property
    def rule(self):
        return "≤" if self.direction == Direction.MAX else "≥"

    @property
    def advanced_shown(self):
        return plain(self.advanced_value)

    @property
    def domestic_shown(self):
        return plain(self.domestic_value)


class ComparedStandard(TenantModel):
    """An advanced standard an indicator is compared with, and its value."""

    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("international standard")
        FOREIGN = "foreign", _("foreign national standard")
        BUYER = "buyer", _("buyer's or company standard")
        DOMESTIC = "domestic", _("domestic national or industry standard")

    indicator = models.ForeignKey(
        SchemeIndicator, on_delete=models.CASCADE, related_name="compared"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=100, help_text=_("e.g. ISO 14184-1:2011."))
    title = models.CharField(_("title"), max_length=200, blank=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["cooperative", "indicator"])]
        verbose_name = _("compared standard")
        verbose_name_plural = _("compared standards")

    def __str__(self):
        return self.code

    @property
    def value_shown(self):
        return plain(self.value)


class BenchmarkDeclaration(TenantModel):
    """A member's product declared against a published scheme, with the values it claims."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting review")
        RETURNED = "returned", pgettext_lazy("benchmarking", "returned")
        ACCEPTED = "accepted", pgettext_lazy("benchmarking", "accepted, awaiting evaluation")
        CERTIFIED = "certified", pgettext_lazy("benchmarking", "benchmarked")

    scheme = models.ForeignKey(
        BenchmarkScheme,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("benchmarking scheme"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="benchmark_declarations",
        verbose_name=_("member unit"),
    )
    product_name = models.CharField(_("product"), max_length=200)
    model = models.CharField(_("model"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(
        pgettext_lazy("benchmarking", "reviewed"), null=True, blank=True
    )
    review_reason = models.TextField(_("reason"), blank=True)
    evaluation_body = models.CharField(_("evaluation body"), max_length=200, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    certified_on = models.DateField(_("date of certificate"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-declared_at", "-id"]
        constraints = [
            # Unique per body across cooperatives too: the service checks that under a lock.
            models.UniqueConstraint(
                fields=["cooperative", "evaluation_body", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="benchmark_certificate_once",
            )
        ]
        indexes = [
            models.Index(fields=["cooperative", "status", "-declared_at"]),
            models.Index(fields=["cooperative", "member", "status"]),
            models.Index(fields=["status", "valid_until"], name="benchmark_public"),
        ]
        verbose_name = _("benchmarking declaration")
        verbose_name_plural = _("benchmarking declarations")

    def __str__(self):
        return self.product_name

    @property
    def in_force(self):
        return (
            self.status == self.Status.CERTIFIED
            and self.valid_until is not None
            and self.valid_until >= timezone.localdate()
        )


class ClaimedValue(TenantModel):
    """The value a declaration claims for one key indicator of its scheme."""

    declaration = models.ForeignKey(
        BenchmarkDeclaration, on_delete=models.CASCADE, related_name="claims"
    )
    indicator = models.ForeignKey(SchemeIndicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("claimed value"), max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["indicator__position", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "declaration", "indicator"], name="claimed_value_once"
            )
        ]
        indexes = [models.Index(fields=["cooperative", "declaration"])]

    @property
    def value_shown(self):
        return plain(self.value)

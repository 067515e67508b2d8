"""Export quality (the Jilin seed programme): what a member exports where, the foreign technical
trade measures that touch it (each alerted to the members exporting a touched product to the
notifying country, who acknowledge it), and the products a member makes on one line to one
standard for export and home markets (同线同标同质), reviewed by staff and listed in public."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import TenantModel
from exports import countries

HS_CODE = re.compile(r"^\d{6,10}$")
HS_PREFIX = re.compile(r"^\d{2,10}$")


def validate_hs_code(value):
    if not HS_CODE.match(value or ""):
        raise ValidationError(
            _("An HS code is 6 to 10 digits, e.g. 630231; “%(value)s” is not."),
            params={"value": value},
        )


def validate_country(value):
    if value not in countries.COUNTRIES:
        raise ValidationError(
            _("“%(value)s” is not a country code the portal knows (ISO 3166 alpha-2, e.g. DE)."),
            params={"value": value},
        )


def validate_countries(values):
    if not isinstance(values, list) or not values:
        raise ValidationError(_("Name at least one export market."))
    for value in values:
        validate_country(value)


def validate_hs_prefixes(values):
    if not isinstance(values, list):
        raise ValidationError(_("Give the HS code prefixes as a list."))
    for value in values:
        if not isinstance(value, str) or not HS_PREFIX.match(value):
            raise ValidationError(
                _("An HS code prefix is 2 to 10 digits, e.g. 6302; “%(value)s” is not."),
                params={"value": value},
            )


class ExportProduct(TenantModel):
    """A product a member exports, with its HS code and the markets it goes to."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="export_products",
        verbose_name=_("member unit"),
    )
    name = models.CharField(_("product"), max_length=200)
    category = models.ForeignKey(
        "standards.ProductCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product category"),
    )
    hs_code = models.CharField(
        _("HS code"),
        max_length=10,
        validators=[validate_hs_code],
        help_text=_("6 to 10 digits, e.g. 630231 (bed linen of cotton)."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["member", "name", "id"]
        indexes = [
            models.Index(fields=["cooperative", "member"]),
            models.Index(fields=["cooperative", "hs_code"]),
        ]
        verbose_name = _("export product")
        verbose_name_plural = _("export products")

    def __str__(self):
        return f"{self.name} ({self.hs_code})"

    @property
    def market_codes(self):
        # Read from the prefetched markets: a list shows them without a query per row.
        return [market.country for market in self.markets.all()]

    @property
    def market_names(self):
        return countries.names(self.market_codes)


class ExportMarket(TenantModel):
    """One country an export product goes to: a row each, so that matching a measure to the
    members exporting there is one query on an index."""

    product = models.ForeignKey(ExportProduct, on_delete=models.CASCADE, related_name="markets")
    country = models.CharField(
        pgettext_lazy("exports", "country"), max_length=2, validators=[validate_country]
    )

    class Meta:
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "product", "country"], name="export_market_once"
            )
        ]
        indexes = [models.Index(fields=["cooperative", "country"])]


class TradeMeasure(TenantModel):
    """A foreign technical trade measure (e.g. a REACH restriction, a CPSIA rule) entered by the
    cooperative's administrator, touching products by category and/or HS code prefix."""

    country = models.CharField(
        _("notifying country"),
        max_length=2,
        validators=[validate_country],
        help_text=_("ISO 3166 alpha-2 code, or EU for the European Union."),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("the measure"))
    categories = models.ManyToManyField(
        "standards.ProductCategory",
        through="MeasureCategory",
        blank=True,
        related_name="+",
        verbose_name=_("product categories touched"),
    )
    hs_prefixes = models.JSONField(
        _("HS code prefixes touched"),
        default=list,
        blank=True,
        validators=[validate_hs_prefixes],
        help_text=_("e.g. 6302, 9404: an export product whose HS code starts with one is touched."),
    )
    effective_on = models.DateField(_("date of effect"))
    reference = models.CharField(
        pgettext_lazy("exports", "reference"),
        max_length=100,
        blank=True,
        help_text=_("e.g. the WTO TBT notification number G/TBT/N/EU/1234."),
    )
    created_at = models.DateTimeField(pgettext_lazy("exports", "entered"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["cooperative", "-effective_on", "-id"])]
        verbose_name = _("trade measure")
        verbose_name_plural = _("trade measures")

    def __str__(self):
        return self.title

    @property
    def country_name(self):
        return countries.name(self.country)

    def clean(self):
        if self.reference:
            self.reference = self.reference.strip()


class MeasureCategory(TenantModel):
    """A product category a measure touches."""

    measure = models.ForeignKey(TradeMeasure, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "standards.ProductCategory", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "measure", "category"], name="measure_category_once"
            )
        ]


class MeasureAlert(TenantModel):
    """A measure told to one member exporting a touched product to the notifying country; its
    enterprise account acknowledges it (``exports.services.measures.ALERT``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting acknowledgement")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("exports", "acknowledged")
        # The measure was changed and no longer touches the member before it acknowledged.
        WITHDRAWN = "withdrawn", pgettext_lazy("exports", "withdrawn: no longer touched")

    measure = models.ForeignKey(TradeMeasure, on_delete=models.CASCADE, related_name="alerts")
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="measure_alerts",
        verbose_name=_("member unit"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    products = models.CharField(
        _("products touched"),
        max_length=500,
        blank=True,
        help_text=_("The member's export products the measure touched when it was matched."),
    )
    alerted_at = models.DateTimeField(pgettext_lazy("exports", "alerted"), default=timezone.now)
    acknowledged_at = models.DateTimeField(
        pgettext_lazy("exports", "acknowledged"), null=True, blank=True
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-alerted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "measure", "member"], name="measure_alert_once"
            )
        ]
        indexes = [
            models.Index(fields=["cooperative", "member", "status"]),
            models.Index(fields=["cooperative", "measure", "status"]),
        ]
        verbose_name = _("trade measure alert")
        verbose_name_plural = _("trade measure alerts")


class SameLineProduct(TenantModel):
    """A product made on one line to one standard for export and home markets (同线同标同质),
    declared by a member and reviewed by staff; approved ones are listed in public."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="same_line_products",
        verbose_name=_("member unit"),
    )
    product = models.CharField(_("product"), max_length=200)
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("standard"),
    )
    markets = models.JSONField(_("export markets"), default=list, validators=[validate_countries])
    line = models.TextField(
        _("production line"),
        help_text=_(
            "The line the product is made on for both markets: where, equipment, capacity."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    reviewed_at = models.DateTimeField(pgettext_lazy("exports", "reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-declared_at", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "status", "-declared_at"]),
            models.Index(fields=["status", "-reviewed_at", "-id"], name="same_line_public_order"),
        ]
        verbose_name = _("same-line product")
        verbose_name_plural = _("same-line products")

    def __str__(self):
        return self.product

    @property
    def market_names(self):
        return countries.names(self.markets)

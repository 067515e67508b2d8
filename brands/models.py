"""IP and brands: the chamber's collective trademarks and the numbers of the licences it grants
(``members.TrademarkLicence`` is the licence itself: member, mark's name, period), requests
for a fast pre-review of a design patent (tracked against 15 working days), and reports of
infringements of the collective trademark."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import TenantModel
from coop.tenancy import ScopedManager, ScopedQuerySet
from members.models import Member, TrademarkLicence


class CollectiveTrademark(TenantModel):
    """A collective trademark the chamber (or association) registered for its members."""

    name = models.CharField(_("trademark"), max_length=100)
    registration_number = models.CharField(
        pgettext_lazy("brands", "registration number"), max_length=30
    )
    nice_class = models.CharField(pgettext_lazy("brands", "class"), max_length=40, blank=True)
    goods = models.CharField(pgettext_lazy("brands", "goods approved"), max_length=300, blank=True)
    registrant = models.CharField(pgettext_lazy("brands", "registrant"), max_length=200)
    registered_on = models.DateField(pgettext_lazy("brands", "registered"))
    valid_until = models.DateField(pgettext_lazy("brands", "registration valid until"))
    history_dates = ("registered_on",)

    class Meta:
        ordering = ["name", "registration_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "registration_number"], name="brands_mark_number_once"
            )
        ]
        verbose_name = pgettext_lazy("brands", "collective trademark")
        verbose_name_plural = pgettext_lazy("brands", "collective trademarks")

    def __str__(self):
        return f"{self.name} ({self.registration_number})"


class LicenceTerms(TenantModel):
    """What the member's public page and the staff's list say of a licence beyond its period:
    the mark it licenses (its registration number) and the licence's own number."""

    licence = models.OneToOneField(
        TrademarkLicence,
        on_delete=models.CASCADE,
        related_name="brand_terms",
        verbose_name=_("trademark licence"),
    )
    mark = models.ForeignKey(
        CollectiveTrademark,
        on_delete=models.PROTECT,
        related_name="licence_terms",
        verbose_name=pgettext_lazy("brands", "collective trademark"),
    )
    number = models.CharField(pgettext_lazy("brands", "licence number"), max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], name="brands_licence_once")
        ]
        indexes = [models.Index(fields=["cooperative", "mark"])]
        verbose_name = pgettext_lazy("brands", "licence number")
        verbose_name_plural = pgettext_lazy("brands", "licence numbers")

    def __str__(self):
        return self.number

    def clean(self):
        super().clean()
        if self.licence_id and self.licence.cooperative_id != self.cooperative_id:
            raise ValidationError({"licence": _("This belongs to another cooperative.")})


class DesignReviewQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=DesignReview.OPEN)

    def overdue(self, today=None):
        """Still waiting for the pre-review's decision after its due date."""
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)

    def with_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=models.ExpressionWrapper(
                Q(status__in=DesignReview.OPEN, due_on__lt=today),
                output_field=models.BooleanField(),
            )
        )


class DesignReview(TenantModel):
    """A request for the fast pre-review of a design patent application (外观设计专利快速预审):
    the cooperative receives it, forwards it to the IP protection centre, which passes it or
    returns it; a passed one is later granted its patent number. Due 15 working days after
    receipt (``coop.workdays``), where it took two or three months before."""

    DUE_WORKING_DAYS = 15

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("brands", "received")
        FORWARDED = "forwarded", _("forwarded to the IP protection centre")
        PASSED = "passed", pgettext_lazy("brands", "pre-review passed")
        RETURNED = "returned", pgettext_lazy("brands", "returned")
        GRANTED = "granted", pgettext_lazy("brands", "granted")

    OPEN = (Status.RECEIVED, Status.FORWARDED)

    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="design_reviews",
        verbose_name=pgettext_lazy("brands", "member"),
    )
    design_name = models.CharField(pgettext_lazy("brands", "design name"), max_length=200)
    product = models.CharField(_("product"), max_length=200)
    applicant = models.CharField(pgettext_lazy("brands", "applicant"), max_length=200)
    submitted_on = models.DateField(pgettext_lazy("brands", "submitted"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    centre_reference = models.CharField(
        pgettext_lazy("brands", "centre's reference"), max_length=60, blank=True
    )
    decided_on = models.DateField(
        pgettext_lazy("brands", "pre-review decided"), null=True, blank=True
    )
    return_reason = models.TextField(pgettext_lazy("brands", "reason returned"), blank=True)
    patent_number = models.CharField(
        pgettext_lazy("brands", "patent number"), max_length=40, blank=True
    )
    granted_on = models.DateField(pgettext_lazy("brands", "granted"), null=True, blank=True)

    # Scoped like every tenant row (coop.tenancy), with the set-level filters above.
    objects = ScopedManager.from_queryset(DesignReviewQuerySet)()

    class Meta:
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "status", "due_on"]),
            models.Index(fields=["cooperative", "member"]),
        ]
        verbose_name = pgettext_lazy("brands", "design-patent pre-review request")
        verbose_name_plural = pgettext_lazy("brands", "design-patent pre-review requests")

    def __str__(self):
        return self.design_name

    @property
    def is_open(self):
        return self.status in self.OPEN


class InfringementReport(TenantModel):
    """A member's report of goods sold under the collective trademark without a licence, in a
    market or an online shop; staff investigate it and refer it to enforcement or close it."""

    class Channel(models.TextChoices):
        MARKET = "market", pgettext_lazy("brands", "market or shop")
        ONLINE = "online", pgettext_lazy("brands", "online shop")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("brands", "received")
        INVESTIGATING = "investigating", pgettext_lazy("brands", "investigating")
        REFERRED = "referred", pgettext_lazy("brands", "referred to enforcement")
        CLOSED = "closed", _("closed")

    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="infringement_reports",
        verbose_name=pgettext_lazy("brands", "reported by"),
    )
    mark = models.ForeignKey(
        CollectiveTrademark,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="infringement_reports",
        verbose_name=pgettext_lazy("brands", "collective trademark"),
    )
    channel = models.CharField(
        pgettext_lazy("brands", "where seen"), max_length=10, choices=Channel.choices
    )
    place = models.CharField(pgettext_lazy("brands", "market or shop"), max_length=200, blank=True)
    url = models.URLField(
        pgettext_lazy("brands", "online shop address"), max_length=500, blank=True
    )
    seen_on = models.DateField(pgettext_lazy("brands", "seen on"))
    description = models.TextField(pgettext_lazy("brands", "description"))
    reported_at = models.DateTimeField(pgettext_lazy("brands", "reported"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    authority = models.CharField(pgettext_lazy("brands", "referred to"), max_length=200, blank=True)
    reference = models.CharField(
        pgettext_lazy("brands", "case reference"), max_length=60, blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "status"]),
            models.Index(fields=["cooperative", "member"]),
        ]
        verbose_name = pgettext_lazy("brands", "trademark infringement report")
        verbose_name_plural = pgettext_lazy("brands", "trademark infringement reports")

    def __str__(self):
        return f"{self.get_channel_display()} {self.place or self.url}"

    def clean(self):
        super().clean()
        if self.channel == self.Channel.ONLINE and not self.url:
            raise ValidationError({"url": _("Give the online shop's address.")})
        if self.channel == self.Channel.MARKET and not self.place.strip():
            raise ValidationError({"place": _("Name the market or shop.")})

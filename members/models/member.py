from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import TenantModel
from coop.tenancy import ScopedManager, ScopedQuerySet
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


def validate_shop_links(value):
    if not isinstance(value, list):
        raise ValidationError(_("Shop links are a list of web addresses."))
    check = URLValidator(schemes=["http", "https"])
    for link in value:
        try:
            check(link)
        except ValidationError:
            raise ValidationError(
                _("“%(link)s” is not a web address (http or https).") % {"link": link}
            ) from None


class MemberQuerySet(ScopedQuerySet):
    def members(self):
        """Units that belong to the cooperative now: active or suspended."""
        return self.filter(status__in=[Member.Status.ACTIVE, Member.Status.SUSPENDED])


MemberManager = ScopedManager.from_queryset(MemberQuerySet)


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

    class Scale(models.TextChoices):
        MICRO = "micro", _("micro")
        SMALL = "small", _("small")
        MEDIUM = "medium", _("medium")
        ABOVE_DESIGNATED_SIZE = "above_designated_size", _("above designated size")

    class ChainRole(models.TextChoices):
        RAW_MATERIAL = "raw_material", _("raw material")
        AUXILIARY_MATERIAL = "auxiliary_material", _("auxiliary material")
        FINISHED_PRODUCT = "finished_product", _("finished product")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.ENTERPRISE)
    uscc = USCCField(_("unified social credit code"), blank=True)
    registration_number = models.CharField(
        _("registration number"),
        max_length=30,
        blank=True,
        help_text=_("For an individual household without a unified social credit code."),
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.APPLIED
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # Where the link to set up the unit's account goes (members.services.accounts); at most
    # a login name's length, since the address becomes the account's login name.
    contact_email = models.EmailField(_("contact email"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.ForeignKey(
        "coop.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    town = models.CharField(_("town"), max_length=100, blank=True)
    scale = models.CharField(_("scale"), max_length=32, choices=Scale.choices, default=Scale.MICRO)
    chain_role = models.CharField(
        _("role in the chain"),
        max_length=32,
        choices=ChainRole.choices,
        default=ChainRole.FINISHED_PRODUCT,
    )
    # Where in its industry's chain the unit works (fibre and yarn, fabric …): the chain map's
    # rows. Empty for a unit not placed yet, and in industries without links.
    chain_link = models.ForeignKey(
        "members.ChainLink",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("link in the industry chain"),
    )
    main_products = models.CharField(_("main products"), max_length=300, blank=True)
    product_categories = models.ManyToManyField(
        "standards.ProductCategory",
        through="MemberProductCategory",
        blank=True,
        verbose_name=_("product categories"),
    )
    ecommerce_seller = models.BooleanField(_("e-commerce seller"), default=False)
    lending_consent = models.BooleanField(
        _("shares its credit grade with lenders"),
        default=False,
        help_text=_("Banks offering quality-based loans (质量贷) may receive the grade."),
    )
    shop_links = models.JSONField(
        _("shop links"), default=list, blank=True, validators=[validate_shop_links]
    )
    # Set by the lifecycle transitions; growth over time is counted from them by a query.
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    exited_on = models.DateField(_("exited"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MemberManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "uscc"],
                condition=~Q(uscc=""),
                name="member_uscc_unique_in_coop",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "registration_number"],
                condition=~Q(registration_number=""),
                name="member_registration_unique_in_coop",
            ),
            models.CheckConstraint(
                condition=~Q(uscc="") | Q(kind="individual_household", registration_number__gt=""),
                name="member_has_uscc_or_household_registration",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "status"]),
            # The list's order, so a page is read off the index, not sorted from every row.
            models.Index(fields=["cooperative", "name", "id"]),
            models.Index(fields=["cooperative", "district"]),
        ]
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")

    def __str__(self):
        return self.name

    @property
    def identifier(self):
        """The code that identifies the unit in public: its USCC or household registration."""
        return self.uscc or self.registration_number

    def clean(self):
        errors = self.code_errors()
        errors.update(self.clash_errors())
        if errors:
            raise ValidationError(errors)

    def code_errors(self):
        """The codes the unit's kind needs, without a query (an import checks many at once)."""
        errors = {}
        if not self.uscc:
            if self.kind == self.Kind.ENTERPRISE:
                errors["uscc"] = _("An enterprise needs its unified social credit code.")
            elif not self.registration_number:
                errors["uscc"] = _(
                    "Give the unified social credit code, or for an individual household "
                    "without one, its registration number."
                )
        return errors

    @staticmethod
    def clash_message(field):
        if field == "uscc":
            return _(
                "A member unit with this unified social credit code is already in this cooperative."
            )
        return _("A member unit with this registration number is already in this cooperative.")

    def clash_errors(self):
        # The constraints would report a clash for the pair (cooperative, code); a person
        # needs it on the code they typed. The constraints still guard against races.
        errors = {}
        for field in ("uscc", "registration_number"):
            value = getattr(self, field)
            clash = Member.objects.filter(cooperative_id=self.cooperative_id, **{field: value})
            if value and clash.exclude(pk=self.pk).exists():
                errors[field] = self.clash_message(field)
        return errors


class MemberProductCategory(TenantModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    category = models.ForeignKey("standards.ProductCategory", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "member", "category"], name="member_category_once"
            )
        ]


class CertificationQuerySet(ScopedQuerySet):
    def expiring_within(self, days=90, today=None):
        today = today or timezone.localdate()
        return self.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=days))


class Certification(TenantModel):
    """A management-system or product certificate the member holds (ISO 9001 and others)."""

    class Scheme(models.TextChoices):
        ISO_9001 = "iso9001", "ISO 9001"
        ISO_14001 = "iso14001", "ISO 14001"
        ISO_45001 = "iso45001", "ISO 45001"
        PRODUCT = "product", _("product certification")
        OTHER = "other", _("other")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="certifications")
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    number = models.CharField(_("certificate number"), max_length=60)
    body = models.CharField(_("certification body"), max_length=200)
    issued_on = models.DateField(_("issued"))
    expires_on = models.DateField(_("expires"))

    objects = ScopedManager.from_queryset(CertificationQuerySet)()
    # Recorded from before the portal: may go back to 1900 (coop.periods).
    history_dates = ("issued_on", "expires_on")

    class Meta:
        ordering = ["expires_on"]
        indexes = [
            models.Index(fields=["cooperative", "member"]),
            models.Index(fields=["cooperative", "expires_on"]),
        ]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def clean(self):
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": _("A certificate expires after it is issued.")})


class Honour(TenantModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="honours")
    title = models.CharField(_("honour"), max_length=200)
    awarded_by = models.CharField(_("awarded by"), max_length=200)
    awarded_on = models.DateField(_("awarded"))
    # Recorded from before the portal: may go back to 1900 (coop.periods).
    history_dates = ("awarded_on",)

    class Meta:
        ordering = ["-awarded_on"]
        indexes = [models.Index(fields=["cooperative", "member"])]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")


class TrademarkLicence(TenantModel):
    """A collective trademark (registered by the chamber) licensed to the member."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="trademark_licences")
    trademark = models.CharField(_("trademark"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["cooperative", "member"])]
        verbose_name = _("trademark licence")
        verbose_name_plural = _("trademark licences")

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A licence ends after it starts.")})


class GrowthEvent(TenantModel):
    """A step up: a household became a company (个转企), or an enterprise grew above size (小升规)."""

    class Kind(models.TextChoices):
        HOUSEHOLD_TO_COMPANY = "household_to_company", _("household converted to a company")
        ABOVE_DESIGNATED_SIZE = "above_designated_size", _("grew above designated size")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="growth_events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    # Recorded from before the portal: may go back to 1900 (coop.periods).
    history_dates = ("on",)

    class Meta:
        ordering = ["-on"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member", "kind"], name="growth_once")
        ]
        verbose_name = _("growth event")
        verbose_name_plural = _("growth events")

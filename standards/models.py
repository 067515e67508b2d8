from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coop import periods
from coop.models import BilingualName, TenantModel
from coop.tenancy import ALL, ScopeError, active_scope
from standards.codes import Level, parse_code
from standards.notation import describe_limit, unit_in_words


class ProductCategory(BilingualName):
    """A product category (bedding, towels …): shared reference data across cooperatives."""

    code = models.SlugField(_("code"), unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")


class StandardQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(implemented_on__lte=day).exclude(self.replaced_or_withdrawn(day))

    @staticmethod
    def replaced_or_withdrawn(day, prefix=""):
        """The condition of a standard no longer to be produced to on ``day``; ``prefix``
        reaches it from another model ("standard__")."""
        return Q(**{f"{prefix}withdrawn_on__lte": day}) | Q(
            **{f"{prefix}superseded_by__implemented_on__lte": day}
        )


class StandardManager(models.Manager.from_queryset(StandardQuerySet)):
    """Shared standards for everyone; a cooperative's group and enterprise standards only in
    its scope. Like the tenant-owned models, it raises outside any scope (fail closed)."""

    def get_queryset(self):
        ids = active_scope()
        queryset = super().get_queryset()
        if ids is None:
            raise ScopeError("Standard holds cooperatives' own standards: query it inside a scope.")
        if ids is ALL:
            return queryset
        return queryset.filter(Q(cooperative__isnull=True) | Q(cooperative_id__in=ids))


class Standard(models.Model):
    """A standard of the catalogue. National, industry and local standards are shared
    reference data (region supervisors keep them); group and enterprise standards belong to a
    cooperative. Its status follows from its dates and supersession, never set by hand."""

    class Level(models.TextChoices):
        MANDATORY_NATIONAL = Level.MANDATORY_NATIONAL, _("mandatory national")
        RECOMMENDED_NATIONAL = Level.RECOMMENDED_NATIONAL, _("recommended national")
        INDUSTRY = Level.INDUSTRY, _("industry")
        LOCAL = Level.LOCAL, _("local")
        GROUP = Level.GROUP, _("group")
        ENTERPRISE = Level.ENTERPRISE, _("enterprise")
        INTERNATIONAL = Level.INTERNATIONAL, _("international")
        BUYER = Level.BUYER, _("buyer's requirement")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        CURRENT = "current", _("current")
        SUPERSEDED = "superseded", _("superseded")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OWNED_LEVELS = {Level.GROUP, Level.ENTERPRISE, Level.BUYER}
    # Levels whose codes are not Chinese standard codes: chosen, not parsed from the code.
    FREE_CODE_LEVELS = {Level.INTERNATIONAL, Level.BUYER}

    cooperative = models.ForeignKey(
        "coop.Cooperative",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cooperative"),
        help_text=_("Only for group and enterprise standards."),
    )
    code = models.CharField(_("code"), max_length=60)
    level = models.CharField(
        _("level"),
        max_length=30,
        choices=Level.choices,
        blank=True,
        help_text=_(
            "Follows from a Chinese code; choose it only for an international standard "
            "or a buyer's requirement."
        ),
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    implemented_on = models.DateField(_("in force from"))
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    product_categories = models.ManyToManyField(
        ProductCategory, blank=True, related_name="standards", verbose_name=_("product categories")
    )
    published = models.BooleanField(
        _("published"), default=True, help_text=_("A group standard shown to the public.")
    )
    file = models.FileField(_("file"), upload_to="standards/", blank=True)

    objects = StandardManager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(cooperative__isnull=True), name="shared_code_once"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "code"],
                condition=Q(cooperative__isnull=False),
                name="owned_code_once_per_cooperative",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "code"])]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self):
        return f"{self.code} {self.title_zh}"

    # A standard's dates may go back to 1900 and reach ten years ahead (coop.periods).
    history_dates = ("issued_on", "implemented_on", "withdrawn_on")

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        errors = periods.check_row(self, exclude or ())
        if errors:
            raise ValidationError(errors)

    def clean(self):
        errors = {}
        try:
            parsed = parse_code(self.code)
        except ValidationError as error:
            # Only an international standard or a buyer's requirement has a free code.
            if self.level not in self.FREE_CODE_LEVELS:
                raise ValidationError({"code": error.messages}) from None
            self.code = self.code.strip()
        else:
            self.code, self.level = parsed.code, parsed.level  # a Chinese code decides
        owned = self.level in self.OWNED_LEVELS
        if owned and self.cooperative_id is None:
            errors["cooperative"] = _(
                "A group or enterprise standard, or a buyer's requirement, belongs to a cooperative."
            )
        if not owned and self.cooperative_id is not None:
            errors["cooperative"] = _(
                "National, industry, local and international standards are shared: leave the "
                "cooperative empty."
            )
        if self.withdrawn_on and self.withdrawn_on < self.implemented_on:
            errors["withdrawn_on"] = _("A standard is withdrawn after it comes into force.")
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = _("A standard cannot supersede itself.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, day):
        if self.withdrawn_on and self.withdrawn_on <= day:
            return self.Status.WITHDRAWN
        if self.superseded_by and self.superseded_by.implemented_on <= day:
            return self.Status.SUPERSEDED
        if self.implemented_on > day:
            return self.Status.UPCOMING
        return self.Status.CURRENT

    @property
    def status(self):
        return self.status_on(timezone.localdate())

    def get_status_display(self):
        return self.Status(self.status).label


class Indicator(BilingualName):
    """What a lab measures (formaldehyde, pH …) and how its result reads."""

    class ResultType(models.TextChoices):
        NUMERIC = "numeric", _("number")
        GRADE = "grade", _("grade (1 to 5 in half steps)")
        CATEGORICAL = "categorical", _("category")
        DETECTION = "detection", _("detected or not")
        # Labelled against measured fibre content (GB/T 29862-2013): "棉 95.2 (95), 聚酯纤维 4.8 (5)".
        COMPOSITION = "composition", _("fibre content (measured against labelled)")

    code = models.SlugField(_("code"), unique=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    result_type = models.CharField(_("result type"), max_length=20, choices=ResultType.choices)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    # For a categorical indicator, its values and their labels, per language or one for all:
    # {"none": {"zh": "无", "en": "none"}, "present": "有异味"}. Results keep the value; pages
    # and reports show the label (standards.notation.category_label).
    categories = models.JSONField(_("categories"), default=dict, blank=True)
    method = models.ForeignKey(
        Standard,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("test method"),
    )
    # What the method can see: a result under it is reported 未检出 (ND) and judged as "below
    # it" (GB/T 2912.1: formaldehyde under 20 mg/kg).
    detection_limit = models.DecimalField(
        _("detection limit of the method"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A result under it is entered as 未检出 or ND."),
    )
    # The largest reading that means anything (pH 14); empty: as the unit allows (100 %).
    largest = models.DecimalField(
        _("largest possible reading"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A larger reading is refused; empty: as the unit allows (100 for %)."),
    )

    @property
    def shown_unit(self):
        """The unit as the reader writes it ("级" in Chinese, nothing after an English grade)."""
        return unit_in_words(self.unit)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")


class Limit(models.Model):
    """A standard's requirement on an indicator for a product safety category (or for all).

    Numbers and grades share ``minimum``/``maximum`` (a grade as 1 to 5 in half steps, 3-4 being
    3.5); a categorical indicator lists its ``allowed`` categories; ``prohibited`` means the
    substance must not be detected, counting amounts up to ``detection_limit`` as not detected.
    """

    class Category(models.TextChoices):
        A = "A", _("A (infants)")
        B = "B", _("B (direct skin contact)")
        C = "C", _("C (no direct skin contact)")

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="limits")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="limits")
    category = models.CharField(
        _("product safety category"),
        max_length=1,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty: the same for every category."),
    )
    minimum = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    minimum_inclusive = models.BooleanField(_("minimum allowed"), default=True)
    maximum = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    maximum_inclusive = models.BooleanField(_("maximum allowed"), default=True)
    warn_below = models.DecimalField(
        _("warn below"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A passing result under this is close to the minimum."),
    )
    warn_above = models.DecimalField(
        _("warn above"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A passing result over this is close to the maximum."),
    )
    allowed = models.JSONField(_("allowed categories"), default=list, blank=True)
    prohibited = models.BooleanField(_("prohibited"), default=False)
    detection_limit = models.DecimalField(
        _("counts as not detected up to"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    # Where the standard sets it ("4.3 表1"), and whether the value is confirmed against the
    # standard's text: an unconfirmed one shows as such in the catalogue, with its note.
    clause = models.CharField(_("clause"), max_length=60, blank=True, default="")
    unconfirmed = models.BooleanField(
        _("not confirmed"),
        default=False,
        help_text=_("The value is not yet confirmed against the standard's text."),
    )
    note_zh = models.CharField(_("note (Chinese)"), max_length=300, blank=True, default="")
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["standard", "indicator", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "indicator", "category"], name="one_limit_per_category"
            )
        ]
        verbose_name = _("limit")
        verbose_name_plural = _("limits")

    def describe(self):
        return describe_limit(self)

    @property
    def note(self):
        """The note in the reader's language (the other one when it has none)."""
        if (get_language() or "").startswith("en"):
            return self.note_en or self.note_zh
        return self.note_zh or self.note_en

    def clean(self):
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValidationError({"maximum": _("The maximum is below the minimum.")})


class ProductDeclaration(TenantModel):
    """A member's self-declaration (自我声明) of the standards one of its products executes."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("member unit"),
    )
    product = models.CharField(_("product"), max_length=200)
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product category"),
    )
    safety_category = models.CharField(
        _("product safety category"), max_length=1, choices=Limit.Category.choices
    )
    standards = models.ManyToManyField(
        Standard,
        through="DeclaredStandard",
        related_name="declarations",
        verbose_name=_("standards executed"),
    )
    declared_on = models.DateField(_("declared"), default=timezone.localdate)

    class Meta:
        ordering = ["member", "product"]
        indexes = [models.Index(fields=["cooperative", "member"])]
        verbose_name = _("product declaration")
        verbose_name_plural = _("product declarations")

    def __str__(self):
        return self.product


class DeclaredStandard(TenantModel):
    """One standard of a declaration; the daily check flags it once it is replaced or withdrawn."""

    declaration = models.ForeignKey(
        ProductDeclaration, on_delete=models.CASCADE, related_name="declared"
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    flagged_on = models.DateField(_("flagged as outdated"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "declaration", "standard"], name="standard_declared_once"
            )
        ]
        indexes = [models.Index(fields=["cooperative", "flagged_on"])]


class CollectionEntry(TenantModel):
    """One standard of the cooperative's collection (e.g. its Home Textile Standards Collection)."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(_("section"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "section", "standard__code"]  # sections in the order curated
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "standard"], name="collected_once")
        ]
        verbose_name = _("collection entry")
        verbose_name_plural = _("standards collection")


class Drafting(TenantModel):
    """A member leading or joining the drafting of a standard."""

    class Role(models.TextChoices):
        LEAD = "lead", _("led the drafting")
        JOIN = "join", _("took part")

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="draftings",
        verbose_name=_("member unit"),
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # Recorded from before the portal: may go back to 1900 (coop.periods).
    history_dates = ("year",)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "member", "standard"], name="drafting_once"
            )
        ]
        verbose_name = _("standard drafting")
        verbose_name_plural = _("standard drafting")

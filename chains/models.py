"""Industry-chain quality (the Ningbo seed programme).

A chain owner (链主) signs a quality-consistency agreement (质量一致性协议) with its supplier
members: for the products in scope, the suppliers hold indicators to values stricter than the
national standard's limits. The owner is a member of the cooperative or a firm outside it (a
brand), never both; the owner audits its suppliers. The cooperative's administrators record
the agreement and its steps (draft → in force → ended, ``chains.services.agreements``).

A joint research project (联合攻关) gathers members and partner institutions on a common quality
problem, with milestones; it is concluded with its outcome (``chains.services.research``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import TenantModel
from members.models.member import USCCField
from standards.notation import plain


class ChainAgreement(TenantModel):
    """A chain owner's quality-consistency agreement with its supplier members."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("chains", "draft")
        IN_FORCE = "in_force", pgettext_lazy("chains", "in force")
        ENDED = "ended", pgettext_lazy("chains", "ended")

    title = models.CharField(_("title"), max_length=200)
    # The owner: a member of the cooperative, or a firm outside it (name and, if known, its
    # code); exactly one of the two (the check constraint below, and ``clean``).
    owner_member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chain_agreements_owned",
        verbose_name=_("chain owner (member unit)"),
    )
    owner_name = models.CharField(_("chain owner (outside firm)"), max_length=200, blank=True)
    owner_uscc = USCCField(_("outside firm's unified social credit code"), blank=True)
    products = models.TextField(
        _("products in scope"),
        help_text=_("e.g. pure cotton bed linen sets for direct skin contact."),
    )
    categories = models.ManyToManyField(
        "standards.ProductCategory",
        through="AgreementCategory",
        blank=True,
        related_name="+",
        verbose_name=_("product categories in scope"),
    )
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"))
    ended_on = models.DateField(pgettext_lazy("chains", "ended on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "-signed_on", "-id"]),
            models.Index(fields=["cooperative", "owner_member"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_member__isnull=False) & Q(owner_name=""))
                | (Q(owner_member__isnull=True) & ~Q(owner_name="")),
                name="chain_agreement_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("signed_on")),
                name="chain_agreement_valid_after_signing",
            ),
        ]
        verbose_name = _("quality-consistency agreement")
        verbose_name_plural = _("quality-consistency agreements")

    def __str__(self):
        return self.title

    @property
    def owner_display(self):
        return self.owner_member.name if self.owner_member_id else self.owner_name

    @property
    def period_end(self):
        """The last day the agreement covers: its term, or the day it ended if sooner."""
        if self.ended_on and self.ended_on < self.valid_until:
            return self.ended_on
        return self.valid_until

    def clean(self):
        errors = {}
        self.owner_name = (self.owner_name or "").strip()
        if self.owner_member_id and (self.owner_name or self.owner_uscc):
            errors["owner_member"] = _(
                "Name the chain owner once: a member unit, or an outside firm, not both."
            )
        elif not self.owner_member_id and not self.owner_name:
            errors["owner_member"] = _(
                "Name the chain owner: a member unit, or an outside firm's name."
            )
        if self.signed_on and self.valid_until and self.valid_until <= self.signed_on:
            errors["valid_until"] = _("The agreement is valid until a day after it is signed.")
        if errors:
            raise ValidationError(errors)


class AgreementCategory(TenantModel):
    """A product category in an agreement's scope."""

    agreement = models.ForeignKey(ChainAgreement, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "standards.ProductCategory", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "agreement", "category"], name="agreement_category_once"
            )
        ]


class ChainSupplier(TenantModel):
    """A member supplying the chain owner under an agreement, from ``joined_on`` until
    ``left_on`` (open while it supplies). One that left and joins again is a new row."""

    agreement = models.ForeignKey(
        ChainAgreement, on_delete=models.CASCADE, related_name="suppliers"
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="chain_supplies",
        verbose_name=_("supplier (member unit)"),
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "agreement", "member"],
                condition=Q(left_on__isnull=True),
                name="chain_supplier_open_once",
            )
        ]
        indexes = [models.Index(fields=["cooperative", "member"])]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")


class AgreementIndicator(TenantModel):
    """An indicator the suppliers hold to a value stricter than the national limit: below it
    for a maximum (formaldehyde ≤ 20 mg/kg against 75), above it for a minimum (colour
    fastness ≥ 4 against 3). The direction is stored: "stricter" depends on it."""

    class Direction(models.TextChoices):
        MAX = "max", _("at most (≤)")
        MIN = "min", _("at least (≥)")

    agreement = models.ForeignKey(
        ChainAgreement, on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=100)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(
        _("kind of limit"), max_length=3, choices=Direction.choices, default=Direction.MAX
    )
    national_value = models.DecimalField(_("national limit"), max_digits=12, decimal_places=4)
    agreed_value = models.DecimalField(_("agreed value"), max_digits=12, decimal_places=4)
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("national standard"),
    )
    standard_code = models.CharField(
        _("standard it comes from"),
        max_length=60,
        blank=True,
        help_text=_("e.g. GB 18401-2010 (class B, direct skin contact)."),
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "agreement", "name"], name="agreement_indicator_once"
            )
        ]
        verbose_name = _("agreed indicator")
        verbose_name_plural = _("agreed indicators")

    def __str__(self):
        return self.name

    @property
    def sign(self):
        return "≤" if self.direction == self.Direction.MAX else "≥"

    # A value without its trailing zeros: 20, 4, 7.5.
    shown = staticmethod(plain)

    @property
    def agreed_shown(self):
        return self.shown(self.agreed_value)

    @property
    def national_shown(self):
        return self.shown(self.national_value)

    @property
    def source(self):
        # The text says more (the class, the clause) than the catalogue's code alone.
        return self.standard_code or (self.standard.code if self.standard_id else "")

    def is_stricter(self):
        if self.direction == self.Direction.MAX:
            return self.agreed_value < self.national_value
        return self.agreed_value > self.national_value

    def clean(self):
        if (
            self.agreed_value is not None
            and self.national_value is not None
            and not self.is_stricter()
        ):
            if self.direction == self.Direction.MAX:
                message = _(
                    "The agreed value must be stricter than the national limit: for a maximum, "
                    "below %(limit)s."
                )
            else:
                message = _(
                    "The agreed value must be stricter than the national limit: for a minimum, "
                    "above %(limit)s."
                )
            raise ValidationError(
                {"agreed_value": message % {"limit": self.shown(self.national_value)}}
            )


class SupplierAudit(TenantModel):
    """The owner's audit of one supplier under an agreement."""

    class Result(models.TextChoices):
        PASSED = "passed", pgettext_lazy("chains", "passed")
        CORRECTIONS = "corrections", _("corrections required")
        FAILED = "failed", pgettext_lazy("chains", "failed")

    agreement = models.ForeignKey(ChainAgreement, on_delete=models.CASCADE, related_name="audits")
    supplier = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="chain_audits",
        verbose_name=_("supplier (member unit)"),
    )
    audited_on = models.DateField(_("audit date"))
    auditor = models.CharField(_("auditor"), max_length=100)
    findings = models.TextField(_("findings"))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    correction_due_on = models.DateField(_("corrections due"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-audited_on", "-id"]
        indexes = [models.Index(fields=["cooperative", "agreement", "-audited_on"])]
        verbose_name = _("supplier audit")
        verbose_name_plural = _("supplier audits")

    def clean(self):
        if self.result == self.Result.CORRECTIONS and not self.correction_due_on:
            raise ValidationError(
                {"correction_due_on": _("Corrections required: give the date they are due.")}
            )
        if self.correction_due_on and self.audited_on and self.correction_due_on <= self.audited_on:
            raise ValidationError(
                {"correction_due_on": _("Corrections are due after the audit date.")}
            )


class ResearchProject(TenantModel):
    """A joint research project (联合攻关) on a common quality problem."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("chains", "proposed")
        UNDER_WAY = "under_way", pgettext_lazy("chains", "under way")
        CONCLUDED = "concluded", pgettext_lazy("chains", "concluded")

    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("the quality problem"))
    indicators = models.JSONField(
        _("indicators concerned"),
        default=list,
        blank=True,
        help_text=_("e.g. colour fastness to rubbing, formaldehyde."),
    )
    participants = models.ManyToManyField(
        "members.Member",
        through="ProjectParticipant",
        blank=True,
        related_name="+",
        verbose_name=_("participating member units"),
    )
    partners = models.JSONField(
        _("partner institutions"),
        default=list,
        blank=True,
        help_text=_("Universities, labs, institutes."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cooperative", "-created_at", "-id"])]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "title"], name="research_title_once")
        ]
        verbose_name = _("joint research project")
        verbose_name_plural = _("joint research projects")

    def __str__(self):
        return self.title


class ProjectParticipant(TenantModel):
    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "project", "member"], name="project_participant_once"
            )
        ]
        indexes = [models.Index(fields=["cooperative", "member"])]


class Milestone(TenantModel):
    project = models.ForeignKey(
        ResearchProject, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

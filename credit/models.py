"""Commitments, complaints, assessments, credit grades and enforcement: the public side of a
cooperative and the bureau's supervision of its members."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import Objection, TenantModel


class Commitment(TenantModel):
    """A member's public quality commitment (质量承诺): what it covers, which standards it keeps
    and what it guarantees buyers, for a validity period. Staff review and publish it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for review")
        RETURNED = "returned", _("returned for changes")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="commitments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    products = models.CharField(_("products covered"), max_length=300)
    standards = models.CharField(
        _("standards executed"), max_length=300, help_text=_("Codes, e.g. GB 18401-2010.")
    )
    guarantees = models.TextField(
        _("guarantees"), help_text=_("Returns, replacement, after-sales service, compensation.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    review_note = models.TextField(_("review note"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # A member keeps several commitments in force, one per product scope; a new one replaces
    # only those its member names (withdrawn when it is published), none by default.
    replaces = models.ManyToManyField(
        "self",
        through="CommitmentReplacement",
        through_fields=("commitment", "replaced"),
        symmetrical=False,
        related_name="replaced_by",
        blank=True,
        verbose_name=_("replaces"),
    )
    # Claimed when the reminder that it runs out in 30 days is mailed: a rerun mails once.
    expiry_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "status", "valid_until"]),
            # The staff list's order, so page 300 is read off the index like page 1.
            models.Index(
                fields=["cooperative", "-created_at", "-id"], name="commitment_list_order"
            ),
            # The public registry's order (newest published first, across cooperatives).
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status="published"),
                name="commitment_registry_order",
            ),
        ]
        verbose_name = _("quality commitment")
        verbose_name_plural = _("quality commitments")

    def __str__(self):
        return f"{self.member} · {self.products}"

    @property
    def expired(self):
        return self.valid_until < timezone.localdate()


class CommitmentReplacement(TenantModel):
    """That ``commitment``, once published, replaces ``replaced`` (the same member's, in force
    when named): a row, not a bare many-to-many, so it carries its cooperative like every
    tenant-owned row."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="replacement_links"
    )
    replaced = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "commitment", "replaced"], name="commitment_replaces_once"
            )
        ]


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_tracking_code():
    """What a complainant follows the complaint with: the only key to it, so unguessable."""
    return "TS" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class Complaint(TenantModel):
    """A complaint from the public about a member's product. The complainant's contact is
    private: staff read it, no public page or response ever shows it. Only a complaint staff
    find valid counts against the member (in sampling risk and its credit grade)."""

    class Triage(models.TextChoices):
        PENDING = "pending", _("not yet triaged")
        VALID = "valid", _("valid")
        INVALID = "invalid", _("invalid")
        DUPLICATE = "duplicate", _("duplicate")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received, awaiting triage")
        TRIAGED = "triaged", _("triaged")
        ANSWERED = "answered", _("answered by the member")
        RESOLVED = "resolved", _("resolved")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="complaints"
    )
    product = models.CharField(_("product"), max_length=200)
    description = models.TextField(_("description"))
    contact = models.CharField(
        _("your contact"),
        max_length=200,
        blank=True,
        help_text=_("A phone number or e-mail address; only staff see it."),
    )
    evidence = models.FileField(_("purchase evidence"), upload_to="complaints/%Y/", blank=True)
    evidence_type = models.CharField(max_length=40, blank=True)
    tracking_code = models.CharField(
        _("tracking code"), max_length=20, unique=True, default=new_tracking_code, editable=False
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    triage = models.CharField(
        _("triage"), max_length=20, choices=Triage.choices, default=Triage.PENDING
    )
    triage_reason = models.TextField(_("reason"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(_("the member's answer"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Claimed when the member's users are mailed that staff found it valid: a rerun mails once.
    member_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    # How long the complainant should expect to wait for the handling (triage, the member's
    # answer, the resolution), in calendar days from receipt: said on the form, when tracking
    # it and in the public API.
    HANDLING_DAYS = 15

    @property
    def expected_by(self):
        return timezone.localtime(self.received_at).date() + timedelta(days=self.HANDLING_DAYS)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "triage", "received_at"]),
            # The staff list's order, so page 300 is read off the index like page 1.
            models.Index(
                fields=["cooperative", "-received_at", "-id"], name="complaint_list_order"
            ),
        ]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")


class Announcement(TenantModel):
    """A public notice of the cooperative (公示): assessment results, grades, exits."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    # A notice the portal writes keeps a code and its figures here (title and body then stay
    # empty) and reads in the reader's language through ``title_said``/``body_said``.
    words = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    @property
    def title_said(self):
        from credit import grading_words

        return grading_words.announcement(self)[0]

    @property
    def body_said(self):
        from credit import grading_words

        return grading_words.announcement(self)[1]

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")


class Assessment(TenantModel):
    """How well a member kept its commitment over a period, worked out from its sampling
    verdicts, valid complaints and enforcement records; reviewed by staff (who may adjust it
    with a reason), announced with an objection window, then final."""

    class Result(models.TextChoices):
        FULFILLED = "fulfilled", _("fulfilled")
        MOSTLY = "mostly", _("basically fulfilled")
        NOT_FULFILLED = "not_fulfilled", _("not fulfilled")

    class Status(models.TextChoices):
        DRAFT = "draft", _("awaiting review")
        ANNOUNCED = "announced", _("announced for objections")
        FINAL = "final", _("final")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="assessments"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    computed = models.CharField(_("computed result"), max_length=20, choices=Result.choices)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    basis = models.JSONField(_("basis"), default=dict)
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    objections_until = models.DateField(_("objections until"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("final since"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "member", "period_start", "period_end"],
                name="one_assessment_per_member_and_period",
            )
        ]
        indexes = [models.Index(fields=["cooperative", "status", "period_end"])]
        verbose_name = _("commitment assessment")
        verbose_name_plural = _("commitment assessments")


class AssessmentObjection(Objection):
    """A member's objection to its announced assessment, within the announcement's window; an
    upheld one sets the result it asked for (``credit.services.assessments``)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="objections")

    class Meta:
        ordering = ["filed_at"]
        verbose_name = _("objection to an assessment")
        verbose_name_plural = _("objections to assessments")


class Factor(models.TextChoices):
    """What a credit grade weighs: each gives a member a share of its weight, 0 to 1."""

    PASS_RATE = "pass_rate", _("sampling pass rate")
    SEVERITY = "severity", _("severity of failures")
    COMPLAINTS = "complaints", _("valid complaints")
    ENFORCEMENT = "enforcement", _("enforcement record")
    CERTIFICATION = "certification", _("ISO 9001 certification")
    HONOURS = "honours", _("honours")
    STANDARDS = "standards", _("standard-making")
    TRAINING = "training", _("training")
    CONVENTION = "convention", _("convention signed")


DEFAULT_WEIGHTS = {
    Factor.PASS_RATE: 30,
    Factor.SEVERITY: 15,
    Factor.COMPLAINTS: 15,
    Factor.ENFORCEMENT: 15,
    Factor.CERTIFICATION: 5,
    Factor.HONOURS: 5,
    Factor.STANDARDS: 5,
    Factor.TRAINING: 5,
    Factor.CONVENTION: 5,
}
# The lowest score of each grade (local schemes map score bands to the six grades).
DEFAULT_BANDS = {"AAA": 90, "AA": 80, "A": 70, "B": 60, "C": 45, "D": 0}


class ScoringModel(TenantModel):
    """A cooperative's credit scoring: factor weights and score bands, which staff change."""

    weights = models.JSONField(_("weights"), default=dict)
    bands = models.JSONField(_("score bands"), default=dict)
    validity_days = models.PositiveIntegerField(
        _("validity (days)"), default=365, validators=[MinValueValidator(30)]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cooperative"], name="one_scoring_model")]
        verbose_name = _("credit scoring model")
        verbose_name_plural = _("credit scoring models")


class CreditGrade(TenantModel):
    """A member's quality credit grade for a validity period (T/CAQ 20301-2023: AAA to D).
    Grades are history: a new grade is a new row, the current one the latest valid today.
    ``factors`` holds each factor's weight, share and points, which add up to the score."""

    class Grade(models.TextChoices):
        AAA = "AAA", "AAA"
        AA = "AA", "AA"
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="credit_grades"
    )
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices)
    computed_grade = models.CharField(
        _("computed grade"), max_length=3, choices=Grade.choices, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    factors = models.JSONField(_("factors"), default=list)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    # The member's newest grade (by valid_from, then id), so the grade in force is read off an
    # index instead of a subquery per row. A grade is made as the newest (grading and an override
    # both date it today); the same write turns the member's previous one off, taking turns on
    # the cooperative's scoring model row (credit.services.grading). Rows written in SQL get it
    # by the column's default.
    latest = models.BooleanField(default=True, db_default=True, editable=False)

    class Meta:
        ordering = ["member", "-valid_from", "-id"]
        indexes = [
            models.Index(fields=["cooperative", "valid_until", "member"]),
            # The grades in force by cooperative and letter (lists, counts) and a member's own.
            models.Index(
                fields=["cooperative", "grade"],
                condition=models.Q(latest=True),
                name="grade_latest_by_coop",
            ),
            models.Index(
                fields=["member"], condition=models.Q(latest=True), name="grade_latest_of_member"
            ),
        ]
        verbose_name = _("credit grade")
        verbose_name_plural = _("credit grades")

    def __str__(self):
        return self.grade

    def save(self, *args, **kwargs):
        """A new grade becomes its member's newest (``latest``) and the previous one no longer
        is, unless the member holds one dated later. Grading in bulk does the same itself
        (credit.services.grading.grade_members)."""
        if self._state.adding:
            mine = type(self)._base_manager.filter(
                cooperative_id=self.cooperative_id, member_id=self.member_id
            )
            self.latest = not mine.filter(valid_from__gt=self.valid_from).exists()
            if self.latest:
                mine.filter(latest=True).update(latest=False)
        super().save(*args, **kwargs)


class EnforcementPolicy(TenantModel):
    """How a cooperative's bureau applies "light or no punishment for a first offence"."""

    leniency_days = models.PositiveIntegerField(
        _("first-offence period (days)"),
        default=730,
        help_text=_("A minor violation with no other in this period gets a warning."),
    )
    failed_samplings_for_exit = models.PositiveSmallIntegerField(
        _("failed samplings in a year that propose an exit"), default=2
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative"], name="one_enforcement_policy")
        ]
        verbose_name = _("enforcement policy")
        verbose_name_plural = _("enforcement policies")


class Inspection(TenantModel):
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("inspected"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")


class Violation(TenantModel):
    class Severity(models.TextChoices):
        MINOR = "minor", _("minor")
        SERIOUS = "serious", _("serious")

    class Outcome(models.TextChoices):
        WARNING = "warning", _("warning, no penalty (first offence)")
        PENALTY = "penalty", _("penalty")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="violations"
    )
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="violations"
    )
    kind = models.CharField(_("type"), max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    legal_clause = models.CharField(_("legal clause"), max_length=200)
    occurred_on = models.DateField(_("found on"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    # The portal's words on rows from before ``outcome_why``, where it now keeps a code and its
    # figures, said in the reader's language by ``outcome_said``.
    outcome_reason = models.TextField(_("why this outcome"), blank=True)
    outcome_why = models.JSONField(default=dict, blank=True)
    penalty_amount = models.DecimalField(
        _("penalty (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    @property
    def outcome_said(self):
        """Why this outcome, in the reader's language."""
        from credit import grading_words

        return grading_words.outcome(self)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["cooperative", "member", "occurred_on"])]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")


class RectificationOrder(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("to be rectified")
        RECTIFIED = "rectified", _("rectified")

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="orders")
    requirement = models.TextField(_("what must be rectified"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("rectified on"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["cooperative", "status", "deadline"])]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")

    @property
    def overdue(self):
        return self.status == self.Status.OPEN and self.deadline < timezone.localdate()


class ExitProposal(TenantModel):
    """A proposal that a member leave, raised when a threshold is reached; an administrator
    decides it, and an accepted one is the member's exit in its lifecycle."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("awaiting decision")
        ACCEPTED = "accepted", _("accepted: the member exits")
        # Not an objection's "dismissed" (异议不成立): a proposal is not taken up.
        DISMISSED = "dismissed", pgettext_lazy("exit proposal", "dismissed")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="exit_proposals"
    )
    grounds = models.JSONField(_("grounds"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    @property
    def grounds_said(self):
        """The grounds (kept as codes) in the reader's language."""
        from credit import grading_words

        return grading_words.grounds(self.grounds)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            # One open proposal a member: raising it again while it waits changes nothing.
            models.UniqueConstraint(
                fields=["cooperative", "member"],
                condition=models.Q(status="proposed"),
                name="one_open_exit_proposal",
            )
        ]
        verbose_name = _("exit proposal")
        verbose_name_plural = _("exit proposals")

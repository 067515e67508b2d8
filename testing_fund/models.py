from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import BilingualName, TenantModel, cooperative_key
from coop.models import Objection as ObjectionShape
from members.models import Member
from standards.notation import reading_in_words
from standards.verdicts import explain

YUAN = {"max_digits": 12, "decimal_places": 2}


class TestingInstitution(BilingualName):
    """A lab: shared reference data, since one institution serves several cooperatives."""

    accreditation = models.CharField(
        _("accreditation"), max_length=100, blank=True, help_text=_("e.g. a CNAS number")
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    # A report names the lab and where it tests (GB/T 27025-2019 §7.8.2.1 b).
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Calendar days, not working days: what labs promise in their service terms, and what a
    # member can count without a holiday calendar.
    turnaround_days = models.PositiveSmallIntegerField(
        _("turnaround (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Calendar days from receiving a sample to its report: a sample received without a "
            "due date is due this many days later."
        ),
    )
    cooperatives = models.ManyToManyField(
        "coop.Cooperative",
        blank=True,
        related_name="institutions",
        verbose_name=_("cooperatives served"),
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("testing institution")
        verbose_name_plural = _("testing institutions")


class LabPrice(models.Model):
    """What a lab charges the fund for one indicator (yuan)."""

    institution = models.ForeignKey(
        TestingInstitution, on_delete=models.CASCADE, related_name="prices"
    )
    indicator = models.ForeignKey("standards.Indicator", on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(_("price (yuan)"), validators=[MinValueValidator(0)], **YUAN)

    class Meta:
        ordering = ["institution", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "indicator"], name="one_price_each")
        ]
        verbose_name = _("lab price")
        verbose_name_plural = _("lab prices")


class AccreditedMethod(models.Model):
    """One line of a lab's accreditation scope (资质认定范围): this indicator, tested by this
    method standard. A report bears the CMA mark only for results within the scope; the others
    are marked as outside it (GB/T 27025-2019 §7.8; the CMA rules)."""

    institution = models.ForeignKey(
        TestingInstitution, on_delete=models.CASCADE, related_name="scope"
    )
    indicator = models.ForeignKey(
        "standards.Indicator",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("indicator"),
    )
    method = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("method standard"),
    )

    class Meta:
        ordering = ["institution", "indicator", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "indicator", "method"], name="one_scope_line_each"
            )
        ]
        verbose_name = _("accredited method")
        verbose_name_plural = _("accreditation scope")


class Fund(TenantModel):
    """A cooperative's free-testing fund for one fiscal year. Its balance is the sum of its
    ledger, never a stored number."""

    year = models.PositiveSmallIntegerField(_("fiscal year"))
    free_quota = models.PositiveSmallIntegerField(
        _("free batches per member"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="fund_once_a_year")
        ]
        verbose_name = _("testing fund")
        verbose_name_plural = _("testing funds")

    def __str__(self):
        return f"{self.year}"

    def balance(self):
        total = LedgerEntry.objects.filter(fund=self).aggregate(total=Sum("amount"))["total"]
        return total or Decimal("0.00")


class Appropriation(TenantModel):
    """Money the fund receives, e.g. from the district finance bureau."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="appropriations")
    source = models.CharField(_("source"), max_length=200)
    amount = models.DecimalField(
        _("amount (yuan)"), validators=[MinValueValidator(Decimal("0.01"))], **YUAN
    )
    on = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)

    class Meta:
        ordering = ["-on"]
        verbose_name = _("appropriation")
        verbose_name_plural = _("appropriations")


class LedgerEntry(TenantModel):
    """One movement of the fund, append-only: a mistake is corrected by an adjustment, never
    by changing or deleting an entry. Amounts are signed: money in is positive."""

    class Kind(models.TextChoices):
        APPROPRIATION = "appropriation", _("appropriation")
        RESERVATION = "reservation", _("reservation")
        SETTLEMENT = "settlement", _("settlement")
        RELEASE = "release", _("release")
        ADJUSTMENT = "adjustment", _("adjustment")

    # Indexed by (cooperative, fund, at) alone: every read is in a cooperative's scope, and a
    # round writes ten thousand entries at once (bench/README.md).
    cooperative = cooperative_key(db_index=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="ledger", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), **YUAN)
    # What the movement is for: an appropriation, or a batch (reserved, settled, released).
    appropriation = models.ForeignKey(
        Appropriation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    batch = models.ForeignKey(
        "Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        "coop.User", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["cooperative", "fund", "at"])]
        constraints = [
            # A batch is reserved once: the guard that makes a rerun of an approval harmless.
            models.UniqueConstraint(
                fields=["cooperative", "batch"],
                condition=models.Q(kind="reservation"),
                name="one_reservation_per_batch",
            )
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("The ledger is append-only: record an adjustment instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The ledger is append-only: record an adjustment instead."))


class Batch(TenantModel):
    """A sample tested at the fund's expense: a member's free-testing request, a supervisory
    sample of a sampling round, or a re-inspection after a failure."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("free-testing request")
        SUPERVISORY = "supervisory", _("supervisory sample")
        REINSPECTION = "reinspection", _("re-inspection")
        RETEST = "retest", _("re-test of the backup sample")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SAMPLED = "sampled", _("sampled and sealed")
        RECEIVED = "received", _("received by the lab")
        ENTERED = "entered", _("results entered")
        VERIFIED = "verified", _("verified")
        REPORTED = "reported", _("report issued")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    class Delivery(models.TextChoices):
        PICKUP = "pickup", _("picked up by the lab")
        DELIVERY = "delivery", _("delivered by the member")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REQUEST)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    # A round inserts ten thousand batches at once: only the indexes in Meta, which every read
    # uses (all of them within a cooperative), and no single-column index on each foreign key.
    cooperative = cooperative_key(db_index=False)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="batches", db_index=False
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="batches", db_index=False)
    product = models.CharField(_("product"), max_length=200)
    category = models.ForeignKey(
        "standards.ProductCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("product category"),
    )
    safety_category = models.CharField(
        _("product safety category"), max_length=1, choices=[("A", "A"), ("B", "B"), ("C", "C")]
    )
    chain_role = models.CharField(
        _("role in the chain"),
        max_length=32,
        blank=True,
        choices=[("", "—"), *Member.ChainRole.choices],
    )
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("standard executed"),
    )
    lab = models.ForeignKey(
        TestingInstitution,
        on_delete=models.PROTECT,
        related_name="batches",
        db_index=False,  # (lab, status) serves the worklists
        verbose_name=_("lab"),
    )
    lot_number = models.CharField(_("lot number"), max_length=60, blank=True)
    quantity = models.CharField(_("quantity"), max_length=60, blank=True)
    delivery = models.CharField(
        _("sample transport"), max_length=20, choices=Delivery.choices, default=Delivery.DELIVERY
    )
    sampling_place = models.CharField(_("sampling place"), max_length=200, blank=True)
    # What the samplers actually took, which may differ from the product requested or booked
    # (a round books each member's main product; its stock that day decides). A default in
    # the database too: a round inserts its batches in SQL (``rounds.insert_batches``).
    sampled_product = models.CharField(
        _("product actually taken"), max_length=200, blank=True, default="", db_default=""
    )
    sampled_at = models.DateTimeField(_("sampled"), null=True, blank=True)
    seal_number = models.CharField(_("seal number"), max_length=60, blank=True)
    samplers = models.CharField(
        _("samplers"),
        max_length=200,
        blank=True,
        help_text=_("At least two people sample and seal."),
    )
    backup_kept = models.BooleanField(_("backup sample kept"), default=False)
    # Who signed the sampling sheet for the sampled member (both sides sign it).
    member_signatory = models.CharField(
        _("signed for the member by"), max_length=100, blank=True, default="", db_default=""
    )
    # What the standard does not require of this product (codes of ``standards``: undyed or
    # bleached, hanging decorative), stated on the batch and judged by. A default in the
    # database too: a round inserts its batches in SQL.
    exemptions = models.JSONField(_("exemptions"), default=list, blank=True, db_default=[])
    # The sample as the lab found it on receipt (GB/T 27025-2019 §7.8.2.1 e, f).
    condition_on_receipt = models.CharField(
        _("description and condition on receipt"),
        max_length=300,
        blank=True,
        default="",
        db_default="",
    )
    # When the lab received the sample; the receipt starts the lab's clock. A due date typed
    # with the request is kept; one left empty is set at receipt from the lab's turnaround.
    received_on = models.DateField(_("received"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    # The dates of testing, said by the lab when it enters the results.
    tested_from = models.DateField(_("tested from"), null=True, blank=True)
    tested_until = models.DateField(_("tested until"), null=True, blank=True)
    cost = models.DecimalField(_("cost (yuan)"), default=Decimal("0.00"), **YUAN)
    free_reinspection = models.BooleanField(_("free re-inspection"), default=False)
    paid_by_member = models.BooleanField(
        _("paid by the member"),
        default=False,
        help_text=_("A re-inspection that is not the free first one after rectification."),
    )
    entered_by = models.ForeignKey(
        "coop.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        verbose_name=_("results entered by"),
    )
    entered_at = models.DateTimeField(_("results entered"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "coop.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    # Who approved and issued the report (the report's third signature).
    reported_by = models.ForeignKey(
        "coop.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        verbose_name=_("report approved by"),
    )
    reinspection_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reinspections"
    )
    # A re-test of this batch's kept backup sample after an upheld objection: tested as usual,
    # at no cost to the member, ending in a corrected report or a confirmation.
    retest_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="retests"
    )
    sampling_round = models.ForeignKey(
        "SamplingRound", null=True, blank=True, on_delete=models.PROTECT, related_name="batches"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    # Cooperative and dates on the batch itself, indexed, for statistics over many batches.
    reported_on = models.DateField(_("reported"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    # When the report was mailed to the member's users. The report's task claims it before it
    # sends, so a rerun (after a lost worker, or sent again by the sweep) mails once.
    report_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        # An index for each order a list opens on, tie-breaker id included, so that a page,
        # deep or not, reads only its own entries rather than sorting the cooperative's
        # batches (bench/README.md). Each leads with the cooperative: every read is within
        # one, and a cooperative's year is read alone, however many others share the table.
        indexes = [
            # A status asked for, newest request first; with the due date, the list's tabs
            # are counted from this index alone.
            models.Index(fields=["cooperative", "status", "requested_at", "id", "due_on"]),
            # Every batch, or the closed ones, newest request first (the API's default).
            models.Index(fields=["cooperative", "requested_at", "id", "status"]),
            # The work under way, earliest due first (the staff list's default), and overdue.
            models.Index(
                fields=["cooperative", "due_on", "requested_at", "id"],
                condition=models.Q(
                    status__in=[
                        "requested",
                        "approved",
                        "sampled",
                        "received",
                        "entered",
                        "verified",
                    ]
                ),
                name="batch_under_way_by_due",
            ),
            # A member's batches (an enterprise's list), newest request first.
            models.Index(fields=["cooperative", "member", "requested_at", "id"]),
            # A cooperative's year, and a region's pass rates by cooperative, from the index.
            models.Index(fields=["cooperative", "reported_on", "passed"]),
            models.Index(fields=["lab", "status"]),
        ]
        constraints = [
            # One sample of a member per round: what makes confirming a round idempotent.
            models.UniqueConstraint(
                fields=["cooperative", "sampling_round", "member"],
                condition=models.Q(sampling_round__isnull=False),
                name="one_batch_per_member_and_round",
            ),
            # A failed batch gives one free re-inspection (the fund pays the first after the
            # member rectified). Only a free one that was rejected or cancelled, and so never
            # tested, gives the right back; one reported or closed has used it.
            models.UniqueConstraint(
                fields=["cooperative", "reinspection_of"],
                condition=models.Q(free_reinspection=True)
                & ~models.Q(status__in=["rejected", "cancelled"]),
                name="one_free_reinspection_per_failed_batch",
            ),
            # And one re-inspection of a failed batch under way at a time, free or paid: a
            # second order while one is open is a double click or two staff at once, and
            # would sample, test and charge the same rectification twice.
            models.UniqueConstraint(
                fields=["cooperative", "reinspection_of"],
                condition=models.Q(
                    status__in=[
                        "requested",
                        "approved",
                        "sampled",
                        "received",
                        "entered",
                        "verified",
                    ]
                ),
                name="one_open_reinspection_per_failed_batch",
            ),
            # The kept backup sample is re-tested once: a second re-test has nothing to test.
            models.UniqueConstraint(
                fields=["cooperative", "retest_of"],
                condition=~models.Q(status__in=["rejected", "cancelled"]),
                name="one_retest_per_batch",
            ),
        ]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")

    def __str__(self):
        return f"{self.product} ({self.pk})"

    @property
    def overdue_days(self):
        """Days past the due date of a batch not yet reported; 0 when not overdue."""
        if self.due_on is None or self.status not in UNDER_WAY:
            return 0
        return max((timezone.localdate() - self.due_on).days, 0)


# A batch still on its way to a report: a due date passed while in one of these is overdue.
UNDER_WAY = [
    Batch.Status.REQUESTED,
    Batch.Status.APPROVED,
    Batch.Status.SAMPLED,
    Batch.Status.RECEIVED,
    Batch.Status.ENTERED,
    Batch.Status.VERIFIED,
]


class Result(TenantModel):
    """One indicator of a batch: what the lab entered and the verdict the standard gives it."""

    # Eight results a batch: besides the batch's own, only the indexes in Meta (see Batch).
    cooperative = cooperative_key(db_index=False)
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(
        "standards.Indicator", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    price = models.DecimalField(_("price (yuan)"), **YUAN)
    raw = models.CharField(_("result as entered"), max_length=60, blank=True)
    # The batch's report date, copied when the report is issued: statistics by indicator read
    # this table alone, by cooperative and date, without joining every batch.
    reported_on = models.DateField(_("reported"), null=True, blank=True)
    verdict = models.CharField(
        _("verdict"),
        max_length=10,
        blank=True,
        choices=[("pass", _("pass")), ("warn", _("pass, close to the limit")), ("fail", _("fail"))],
    )
    # The verdict's sentence as a code and its parameters (standards.verdicts), written in the
    # reader's language when read: ``explained``. The database fills them for a row inserted
    # by SQL (the rounds' results to enter).
    explanation_code = models.CharField(
        _("explanation code"), max_length=40, blank=True, db_default=""
    )
    explanation_params = models.JSONField(
        _("explanation parameters"), default=dict, blank=True, db_default={}
    )
    # The sentence as written, in the language of the lab user who entered the result, by a
    # portal that kept no code: read only for such a row (one the migration could not judge).
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["batch", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "batch", "indicator"], name="one_result_per_indicator"
            )
        ]
        # With the verdict in it, a year's figures by indicator are read from the index alone.
        indexes = [models.Index(fields=["cooperative", "reported_on", "indicator", "verdict"])]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    @property
    def explained(self):
        """Why the verdict, in the reader's language."""
        if self.explanation_code:
            return explain(self.explanation_code, self.explanation_params, self.indicator)
        return self.explanation

    @property
    def reading(self):
        """The reading as the reader reads it: "none" is 无 in Chinese (standards.notation)."""
        return reading_in_words(self.indicator, self.raw) if self.raw else ""


class Rectification(TenantModel):
    """After a failed batch: the notice to the member, and its answer (整改). Its steps are
    declared in ``services/batches.py`` (``RECTIFICATION``)."""

    class Status(models.TextChoices):
        NOTIFIED = "notified", _("awaiting the answer")
        ANSWERED = "answered", _("answer sent")
        # The failed report was corrected to a pass after an upheld objection's re-test:
        # there is nothing left to rectify.
        WITHDRAWN = "withdrawn", _("withdrawn: the report was corrected")

    batch = models.OneToOneField(Batch, on_delete=models.CASCADE, related_name="rectification")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOTIFIED
    )
    notice = models.TextField(_("notice"))
    due_on = models.DateField(_("rectify by"))
    notified_at = models.DateTimeField(_("notified"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")


class Objection(ObjectionShape):
    """The member's objection to a test report, within 15 days of it, and the staff's decision
    (the one shape of ``coop.models.Objection``; its decision step is ``REPORT_OBJECTION`` in
    ``services/batches.py``)."""

    class Outcome(models.TextChoices):
        NONE = "", _("none yet")
        CORRECTED = "corrected", _("report corrected")
        CONFIRMED = "confirmed", _("report confirmed")

    batch = models.OneToOneField(Batch, on_delete=models.CASCADE, related_name="objection")
    # What an upheld objection ended in, once its re-test is reported.
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    outcome_at = models.DateTimeField(_("outcome decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")


class SamplingRound(TenantModel):
    """A round of supervisory sampling. Its inputs (the candidates and their risk weights) and
    its random seed are stored, so the selection can be worked out again and always comes out
    the same; each selected member keeps the reasons it was picked."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("preview")
        CONFIRMED = "confirmed", _("confirmed")

    name = models.CharField(_("name"), max_length=200)
    coverage = models.DecimalField(
        _("coverage"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(1)],
        help_text=_("The share of active members to sample, e.g. 0.10."),
    )
    seed = models.BigIntegerField(_("random seed"))
    lab = models.ForeignKey(
        TestingInstitution, on_delete=models.PROTECT, related_name="+", verbose_name=_("lab")
    )
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.PROTECT, related_name="+", verbose_name=_("standard")
    )
    safety_category = models.CharField(_("product safety category"), max_length=1, default="B")
    inputs = models.JSONField(_("inputs"), default=list)
    selection = models.JSONField(_("selection"), default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sampling round")
        verbose_name_plural = _("sampling rounds")

    def __str__(self):
        return self.name

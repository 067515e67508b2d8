import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coop import periods
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


def cooperative_key(db_index=True):
    """The link of every tenant row to its cooperative. A large table whose indexes all lead
    with the cooperative passes ``db_index=False``: a single-column index there only slows its
    inserts (bench/README.md)."""
    return models.ForeignKey(
        "coop.Cooperative",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=db_index,
        verbose_name=_("cooperative"),
    )


class TenantModel(models.Model):
    """Base of every model owned by one cooperative."""

    cooperative = cooperative_key()

    objects = ScopedManager()

    # Forward relations (user.member) and Django's delete collector read through the plain
    # base manager, so following a link from a row already fetched needs no second scope.

    class Meta:
        abstract = True

    # Date fields recording what happened before the portal (a certificate issued, an honour
    # awarded): they may go back to 1900; every other date and year lies in the portal's range
    # (coop.periods).
    history_dates = ()

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        errors = periods.check_row(self, exclude or ())
        for field in self._meta.concrete_fields:
            if (
                field.many_to_one
                and field.name != "cooperative"
                and issubclass(field.related_model, TenantModel)
                and getattr(self, field.attname) is not None
                and field.name not in (exclude or ())
                and getattr(self, field.name).cooperative_id != self.cooperative_id
            ):
                errors[field.name] = _("This belongs to another cooperative.")
        if errors:
            raise ValidationError(errors)


class Region(BilingualName):
    """The area of one market-supervision bureau, above several cooperatives."""

    slug = models.SlugField(_("slug"), unique=True)
    division_code = models.CharField(_("administrative division code"), max_length=6)

    class Meta:
        ordering = ["division_code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class District(BilingualName):
    """A county-level division (区/县/市) of a region: members and towns lie in one."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region")
    )
    division_code = models.CharField(_("administrative division code"), max_length=6, unique=True)

    class Meta:
        ordering = ["division_code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Cooperative(BilingualName):
    """The tenant: one quality cooperative of an industrial cluster."""

    slug = models.SlugField(_("slug"), unique=True)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Capital letters that begin its certificate numbers, e.g. HMJF."),
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9]{1,11}$", _("Use 2 to 12 capital letters or digits."))
        ],
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="cooperatives", verbose_name=_("region")
    )
    industry = models.CharField(_("industry"), max_length=100)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    # An industrial cluster spans districts: members may lie in any district the cooperative
    # serves (members.services.members.check_district). The seat is always one of them
    # (``save``) and all lie in the region (the onboarding and the admin check it).
    districts = models.ManyToManyField(
        District,
        related_name="served_by",
        verbose_name=_("districts served"),
        help_text=_("The districts its members may lie in; the seat's district is always one."),
    )
    founding_units = models.TextField(
        _("founding units"), blank=True, help_text=_("One unit per line.")
    )
    established = models.DateField(_("established"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["established", "slug"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The seat is always served, whoever saves (the onboarding, the admin, the demo, a
        # script): a cooperative whose members may not lie in its own seat makes no sense.
        fields = kwargs.get("update_fields")
        if self.district_id and (fields is None or "district" in fields):
            self.districts.add(self.district_id)

    def serve(self, districts=()):
        """Serve ``districts`` (instances or ids) besides the seat, which is always served.

        It adds and never removes: a district members already lie in stays served."""
        ids = {getattr(district, "pk", district) for district in districts}
        ids.add(self.district_id)
        self.districts.add(*ids)

    def member_districts(self, keep=None):
        """The districts a member may be put in: those served, and ``keep`` (a member's present
        district, which it may keep; see ``members.services.members.check_district``)."""
        rule = Q(pk__in=self.districts.values("pk"))
        if keep:
            rule |= Q(pk=keep)
        return District.objects.filter(rule)

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
    # Several accounts may act for one member unit or lab; one of them is its owner (a lab's
    # lead), who invites colleagues and deactivates their accounts (coop/invitations.py).
    is_owner = models.BooleanField(
        _("owner of its unit"),
        default=False,
        help_text=_(
            "The member unit's owner or the lab's lead: invites colleagues and deactivates "
            "their accounts."
        ),
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(
                condition=_role_link_rule(), name="user_role_has_exactly_its_link"
            ),
            models.CheckConstraint(
                condition=Q(is_owner=False) | Q(role__in=[Role.ENTERPRISE, Role.LAB_TECHNICIAN]),
                name="user_owner_of_a_unit_or_lab",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(is_owner=True, member__isnull=False),
                name="user_one_owner_per_member",
            ),
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(is_owner=True, institution__isnull=False),
                name="user_one_lead_per_lab",
            ),
        ]

    def get_role_title(self):
        """The role as pages name it, a unit's owner or a lab's lead said as such."""
        if self.is_owner and self.role == Role.ENTERPRISE:
            return _("enterprise user (owner)")
        if self.is_owner and self.role == Role.LAB_TECHNICIAN:
            return _("lab lead")
        return self.get_role_display()


class Invitation(TenantModel):
    """A one-time link mailed to a person to set up an account with a given role
    (``coop.invitations``). Only a SHA-256 of the link's token is kept, so the table alone
    opens nothing; the account made from it is the invited address's, with the role, unit or
    lab the inviter chose."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        USED = "used", _("used")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("withdrawn")

    email = models.EmailField(_("email"), max_length=150)
    role = models.CharField(
        _("role"),
        max_length=32,
        choices=[(r.value, r.label) for r in Role if r != Role.REGION_SUPERVISOR],
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member unit"),
    )
    institution = models.ForeignKey(
        "testing_fund.TestingInstitution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("testing institution"),
    )
    is_owner = models.BooleanField(_("owner of its unit"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cooperative", "email"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.ENTERPRISE, member__isnull=False, institution__isnull=True)
                | Q(role=Role.LAB_TECHNICIAN, member__isnull=True, institution__isnull=False)
                | Q(
                    role=Role.COOP_ADMIN,
                    member__isnull=True,
                    institution__isnull=True,
                    is_owner=False,
                ),
                name="invitation_role_has_its_link",
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return self.email

    @property
    def status(self):
        if self.used_at:
            return self.Status.USED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self):
        return self.Status(self.status).label

    def get_role_title(self):
        return User(role=self.role, is_owner=self.is_owner).get_role_title()

    @property
    def place(self):
        """Where the invited account acts: its member unit, its lab, or the cooperative."""
        return self.member or self.institution or self.cooperative


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


class StepEvent(TenantModel):
    """One step taken on a row of a workflow (``coop.workflow``): who, when, from which state to
    which, and why. ``workflow`` and ``step`` are names declared in a workflow's step table, never
    strings made up at run time; every history on a page reads these rows."""

    workflow = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    step = models.CharField(max_length=40)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["cooperative", "workflow", "object_id", "at"])]
        verbose_name = _("step taken")
        verbose_name_plural = _("steps taken")


class Objection(TenantModel):
    """The shape of every objection (异议): a member objects to a document or a result within
    a window, on grounds; staff decide it, upheld or dismissed, with a reason. Each app has
    its own table of this shape (objections to a test report, to an assessment), decided by
    the one service in ``coop.objections``; what a decision leads to stays with the app."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    reason = models.TextField(_("grounds"))
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    open_until = models.DateField(_("objections open until"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        abstract = True


def verification_code():
    """A document's public verification code: 128 random bits, 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


class Document(TenantModel):
    """A numbered document the portal issues, which anyone holding it can verify by its code.

    Numbers are sequential (``<CODE>-<YEAR>-<SEQ>``), so whoever knew one could count through
    every report's cooperative, product and verdict: the public verification asks for the
    random code printed beside the number (and in the QR code) instead, and a number alone
    opens nothing. Its public details are fixed when it is issued, so verification shows what
    the paper shows without knowing each kind. Revocation and supersession are recorded
    transitions.
    """

    class Kind(models.TextChoices):
        CONVENTION_CERTIFICATE = "convention_certificate", _("convention certificate")
        TEST_REPORT = "test_report", _("test report")
        COMMITMENT_CERTIFICATE = "commitment_certificate", _("commitment certificate")
        SAMPLING_SHEET = "sampling_sheet", _("sampling sheet")

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        SUPERSEDED = "superseded", _("superseded")
        REVOKED = "revoked", _("revoked")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=40)
    code = models.CharField(
        _("verification code"),
        max_length=32,
        unique=True,
        default=verification_code,
        editable=False,
    )
    # What the document was issued for (a signature, a report): one document per source and
    # edition. An amended report is a new edition of the same source, with a new number,
    # naming the document it replaces (GB/T 27025-2019 §7.8.8).
    source_id = models.PositiveBigIntegerField()
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    # Why an amended document replaced this one, as staff typed it.
    superseded_reason = models.TextField(blank=True)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("member unit"),
    )
    public_details = models.JSONField(default=dict)
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    # A reason the portal gave (``coop.reasons``), put in the reader's language when shown;
    # a typed reason stays in ``revoked_reason``.
    revoked_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "number"], name="document_number_unique"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "kind", "source_id", "edition"],
                name="document_one_per_source_edition",
            ),
        ]
        indexes = [models.Index(fields=["number"])]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.number

    @property
    def revocation(self):
        """Why the document was revoked, in the reader's language."""
        from coop import reasons

        return reasons.said(self.revoked_code, self.revoked_reason)

    @property
    def status(self):
        if self.revoked_at:
            return self.Status.REVOKED
        if self.superseded_at:
            return self.Status.SUPERSEDED
        return self.Status.VALID

    def get_status_display(self):
        return self.Status(self.status).label


class DocumentSequence(TenantModel):
    """The last number a cooperative gave its documents in a year."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="document_sequence_unique")
        ]


class AnnualReport(TenantModel):
    """A cooperative's annual report: a PDF built by a task, which writes its progress here
    so the page can show it while it runs."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/", blank=True)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")


class Attachment(TenantModel):
    """A file a person attached to a row of an app: photos of the sample and its seal at
    sampling, evidence with a rectification answer, the scan of a paper signature. ``target``
    names the row's kind (``<app>.<model>``) and ``target_id`` the row; the app registers who
    may see the rows of each kind (``coop.attachments``), and the file is served only to them.
    Its type is the one its content shows, not its name's."""

    class Purpose(models.TextChoices):
        SAMPLE_PHOTO = "sample_photo", _("photo of the sample")
        SEAL_PHOTO = "seal_photo", _("photo of the seal")
        RECTIFICATION_EVIDENCE = "rectification_evidence", _("rectification evidence")
        SIGNATURE_SCAN = "signature_scan", _("scan of the paper signature")
        INFRINGEMENT_EVIDENCE = "infringement_evidence", _("evidence of a trademark infringement")

    target = models.CharField(_("attached to"), max_length=60)
    target_id = models.PositiveBigIntegerField()
    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["cooperative", "target", "target_id"])]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class Holiday(models.Model):
    """A date that breaks the week's rule of working days (``coop.workdays``): a public holiday
    off (春节, 国庆节 …), or a weekend day worked to make up for one (调休上班). Published each
    year by the State Council; kept as data so staff correct or extend the calendar in the
    admin. Reference data shared by every cooperative, not tenant-owned."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    working = models.BooleanField(
        _("worked (make-up working day)"),
        default=False,
        help_text=_("A weekend day worked to make up for a holiday (调休上班); else a day off."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"

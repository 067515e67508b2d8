import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import TenantModel


class Convention(TenantModel):
    """One version of a cooperative's quality convention (质量公约).

    The current version is the highest one adopted; a member who has not signed it needs to
    (re-)sign, which is derived from the signatures, never stored as a flag.
    """

    SECTIONS = ["purpose", "principles", "duties", "member_conditions", "entry_exit_rules"]

    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("preamble"), blank=True)
    purpose = models.TextField(_("purpose"))
    principles = models.TextField(_("principles"))
    duties = models.TextField(_("duties"))
    member_conditions = models.TextField(_("member conditions"))
    entry_exit_rules = models.TextField(_("entry and exit rules"))
    adopted_on = models.DateField(_("adopted"), default=timezone.localdate)
    adopted_by = models.ForeignKey(
        "coop.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "version"], name="convention_version_once"
            )
        ]
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")

    def __str__(self):
        return f"{self.title} ({self.version})"

    def sections(self):
        """(heading, text) pairs in the convention's order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.SECTIONS
        ]


def scan_path(signature, filename):
    """Where a paper signature's scan is kept: under the cooperative, never served as media
    (the member's page streams it to staff, ``members.views.signature_scan``)."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"signatures/{signature.cooperative_id}/{signature.member_id}-{uuid.uuid4().hex}.{extension}"


class ConventionSignature(TenantModel):
    """A member's signature of one version: from its account on the portal, or on paper
    (``on_paper``: no signing account or address; staff record it, with its scan)."""

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="signatures")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="signatures"
    )
    signer_name = models.CharField(_("signer's name"), max_length=100)
    signer_position = models.CharField(_("signer's position"), max_length=100)
    signed_by = models.ForeignKey(
        "coop.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    on_paper = models.BooleanField(_("signed on paper"), default=False)
    scan = models.FileField(_("scan"), upload_to=scan_path, blank=True, max_length=200)
    recorded_by = models.ForeignKey(
        "coop.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "convention", "member"], name="signature_once_per_version"
            )
        ]
        indexes = [models.Index(fields=["cooperative", "member"])]
        verbose_name = _("convention signature")
        verbose_name_plural = _("convention signatures")

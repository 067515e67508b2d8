from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import TenantModel


class MemberImport(TenantModel):
    """An uploaded file of member units: checked in a dry run, saved whole only on confirmation."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked")
        IMPORTED = "imported", _("imported")

    file_name = models.CharField(_("file"), max_length=200)
    # The parsed rows and each row's errors, kept so confirmation saves exactly what was shown.
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKED)
    uploaded_by = models.ForeignKey(
        "coop.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")

    @property
    def is_valid(self):
        return bool(self.rows) and not any(self.errors)

    @property
    def imported_count(self):
        """The rows that make a new unit (the others name one an earlier import brought in)."""
        return sum(1 for row in self.rows if not row.get("existing"))

"""The link of each scheduled job to its cooperative, and what its last run did.

django-celery-beat stays the store of *when* a job runs (``PeriodicTask`` and its
``CrontabSchedule``: beat reads them, staff may still edit them in the admin). A
``PeriodicTask`` knows its cooperative only from its name and arguments, which anyone may edit
and which cannot be filtered by tenant; ``Schedule`` is the tenant-owned row that says, by
foreign keys, which cooperative a task belongs to and what kind of job it is, so the tenancy
scope lists a cooperative's schedules in one query and another cooperative's are a 404.
It also keeps the last run's outcome: beat's ``last_run_at`` says only when a task was *sent*
(and django-celery-beat clears it when a task is paused), not whether it worked.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import TenantModel


class Schedule(TenantModel):
    class Kind(models.TextChoices):
        # The order here is the order of the page.
        ROUND = "round", _("sampling round preview")
        ASSESSMENT = "assessment", _("commitment assessment")
        GRADING = "grading", _("credit grading")
        UPKEEP = "upkeep", _("daily upkeep")

    class Outcome(models.TextChoices):
        NONE = "", _("not run yet")
        # "failed" alone is a test's verdict (不合格): a run's outcome has its own words.
        SUCCEEDED = "succeeded", pgettext_lazy("run", "succeeded")
        FAILED = "failed", pgettext_lazy("run", "failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        on_delete=models.CASCADE,
        related_name="cooperative_schedule",
        verbose_name=_("periodic task"),
    )
    # The sampling round needs a lab and a standard; without them it is installed paused and
    # waits (supervision.schedules.install_schedules).
    waiting = models.BooleanField(_("waiting for a lab and a standard"), default=False)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    last_result = models.JSONField(_("last result"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "kind"], name="one_schedule_per_kind")
        ]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.cooperative_id})"


class CooperativeFigures(TenantModel):
    """A cooperative's dashboard figures of a year, kept rather than counted over every row
    on each request (issue 17): what ``supervision.kept_figures`` computes for one
    cooperative, read by the dashboard, the public home and the cooperative's page.

    ``version`` is bumped after each commit that wrote the cooperative's rows; the figures
    are current while ``computed_version`` equals it and they were computed today
    (certifications, commitments in force and grades depend on the day). A counter, not a
    flag: a write committed while the figures were being computed bumps it past the version
    they were computed at, so they are stale again rather than marked current."""

    # Not the tenant rows' PROTECT link: these rows are derived, and never keep a cooperative
    # from being deleted. The unique constraint leads with it, so it needs no index of its own.
    cooperative = models.ForeignKey(
        "coop.Cooperative",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("cooperative"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    figures = models.JSONField(_("figures"), default=dict)
    version = models.PositiveBigIntegerField(_("version"), default=0)
    computed_version = models.PositiveBigIntegerField(_("computed at version"), null=True)
    computed_on = models.DateField(_("computed on"), null=True)
    computed_at = models.DateTimeField(_("computed at"), null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year"], name="one_figures_row_per_cooperative_year"
            )
        ]
        verbose_name = _("cooperative figures")
        verbose_name_plural = _("cooperative figures")

    def __str__(self):
        return f"{self.cooperative_id} {self.year}"

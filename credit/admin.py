from django import forms
from django.contrib import admin

from coop import periods
from coop.admin import ReadOnlyAdmin, ScopedAdmin
from credit.models import (
    Announcement,
    Commitment,
    Complaint,
    CreditGrade,
    EnforcementPolicy,
    ExitProposal,
    Violation,
)


class EnforcementPolicyForm(forms.ModelForm):
    # The first-offence period is counted back from a violation's date: at most ten years of
    # days (coop.periods), so that date minus the period is still a date.
    leniency_days = forms.IntegerField(
        label=EnforcementPolicy._meta.get_field("leniency_days").verbose_name,
        min_value=0,
        max_value=periods.MOST_DAYS,
    )

    class Meta:
        model = EnforcementPolicy
        fields = "__all__"


@admin.register(EnforcementPolicy)
class EnforcementPolicyAdmin(ScopedAdmin):
    """The first-offence period and the exit threshold, which administrators set."""

    form = EnforcementPolicyForm
    list_display = ["cooperative", "leniency_days", "failed_samplings_for_exit"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["member", "products", "status", "valid_from", "valid_until"]
    list_filter = ["status"]
    list_select_related = ["member"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["pk", "member", "product", "received_at", "triage", "status"]
    list_filter = ["triage", "status"]
    list_select_related = ["member"]


@admin.register(CreditGrade)
class CreditGradeAdmin(ReadOnlyAdmin):
    list_display = ["member", "grade", "score", "valid_from", "valid_until"]
    list_filter = ["grade"]
    list_select_related = ["member"]


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "member", "kind", "severity", "outcome"]
    list_filter = ["severity", "outcome"]
    list_select_related = ["member"]


@admin.register(ExitProposal)
class ExitProposalAdmin(ReadOnlyAdmin):
    list_display = ["member", "status", "proposed_at"]
    list_select_related = ["member"]


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["published_at", "title"]

"""Staff keep the chamber's collective trademarks and the licences' numbers here; requests and
reports change only by their declared steps (the pages and the API), so the admin shows them."""

from django.contrib import admin

from brands.models import CollectiveTrademark, DesignReview, InfringementReport, LicenceTerms
from coop.admin import ReadOnlyAdmin, ScopedAdmin


@admin.register(CollectiveTrademark)
class CollectiveTrademarkAdmin(ScopedAdmin):
    list_display = ["name", "registration_number", "nice_class", "registrant", "valid_until"]
    search_fields = ["name", "registration_number"]


@admin.register(LicenceTerms)
class LicenceTermsAdmin(ScopedAdmin):
    list_display = ["number", "licence", "mark"]
    raw_id_fields = ["licence"]
    search_fields = ["number"]


@admin.register(DesignReview)
class DesignReviewAdmin(ReadOnlyAdmin):
    list_display = ["design_name", "member", "submitted_on", "due_on", "status"]
    list_filter = ["status"]


@admin.register(InfringementReport)
class InfringementReportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "member", "channel", "seen_on", "status"]
    list_filter = ["status", "channel"]

from django.contrib import admin

from coop.admin import ReadOnlyAdmin, ScopedAdmin, SuperuserWritesAdmin
from testing_fund.models import (
    Appropriation,
    Batch,
    Fund,
    LabPrice,
    LedgerEntry,
    TestingInstitution,
)


class LabPriceInline(admin.TabularInline):
    model = LabPrice
    extra = 0


@admin.register(TestingInstitution)
class TestingInstitutionAdmin(SuperuserWritesAdmin):
    list_display = ["name_zh", "accreditation", "contact", "turnaround_days"]
    filter_horizontal = ["cooperatives"]
    inlines = [LabPriceInline]


@admin.register(Fund)
class FundAdmin(ScopedAdmin):
    list_display = ["cooperative", "year", "free_quota"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "fund", "kind", "amount", "batch", "actor"]
    list_filter = ["kind"]
    list_select_related = ["fund", "batch", "actor"]


@admin.register(Appropriation)
class AppropriationAdmin(ReadOnlyAdmin):
    list_display = ["on", "fund", "source", "amount", "document_number"]


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "product", "member", "kind", "status", "cost", "lab", "requested_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["member", "lab"]

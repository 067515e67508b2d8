from django.contrib import admin

from coop.admin import ReadOnlyAdmin, ScopedAdmin, SuperuserWritesAdmin
from standards.models import Standard
from testing_fund.models import (
    AccreditedMethod,
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


class AccreditedMethodInline(admin.TabularInline):
    """The lab's accreditation scope; method standards are the shared catalogue's."""

    model = AccreditedMethod
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "method":
            kwargs["queryset"] = Standard._base_manager.filter(cooperative__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TestingInstitution)
class TestingInstitutionAdmin(SuperuserWritesAdmin):
    list_display = ["name_zh", "accreditation", "contact", "address", "turnaround_days"]
    filter_horizontal = ["cooperatives"]
    inlines = [LabPriceInline, AccreditedMethodInline]


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

from django.contrib import admin

from coop.admin import ReadOnlyAdmin, ScopedAdmin, SuperuserWritesAdmin
from coop.roles import is_administrator, is_supervisor
from standards.models import (
    CollectionEntry,
    Drafting,
    Indicator,
    Limit,
    ProductCategory,
    ProductDeclaration,
    Standard,
)


def keeps_shared_standards(user):
    """Region supervisors keep the shared catalogue (national, industry, local, international)."""
    return user.is_superuser or is_supervisor(user)


class LimitInline(admin.TabularInline):
    model = Limit
    extra = 0
    autocomplete_fields = ["indicator"]


@admin.register(Standard)
class StandardAdmin(ScopedAdmin):
    list_display = ["code", "title_zh", "level", "implemented_on", "status", "cooperative"]
    list_filter = ["level"]
    search_fields = ["code", "title_zh", "title_en"]
    list_select_related = ["superseded_by", "cooperative"]
    autocomplete_fields = ["superseded_by"]
    filter_horizontal = ["product_categories"]
    inlines = [LimitInline]

    def has_add_permission(self, request):
        return keeps_shared_standards(request.user) or is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        user = request.user
        if obj is None:
            return self.has_add_permission(request)
        if obj.cooperative_id is None:
            return keeps_shared_standards(user)
        return user.is_superuser or (
            is_administrator(user) and obj.cooperative_id == user.cooperative_id
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Indicator)
class IndicatorAdmin(SuperuserWritesAdmin):
    list_display = ["code", "name_zh", "unit", "result_type", "method"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(ProductCategory)
class ProductCategoryAdmin(SuperuserWritesAdmin):
    list_display = ["code", "name_zh", "name_en"]


@admin.register(ProductDeclaration)
class ProductDeclarationAdmin(ReadOnlyAdmin):
    """A self-declaration is the member's own, made in the portal."""

    list_display = ["product", "member", "category", "safety_category", "declared_on"]
    list_select_related = ["member", "category"]


@admin.register(CollectionEntry)
class CollectionEntryAdmin(ScopedAdmin):
    list_display = ["standard", "section", "position", "cooperative"]
    autocomplete_fields = ["standard"]


@admin.register(Drafting)
class DraftingAdmin(ScopedAdmin):
    list_display = ["member", "standard", "role", "year"]
    raw_id_fields = ["member"]
    autocomplete_fields = ["standard"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from coop.access import is_staff_of_cooperatives, may_administer
from coop.models import AuditRecord, Cooperative, Region, User


class ScopedAdmin(admin.ModelAdmin):
    """Admin for data behind the tenant scope: supervisors read, administrators write.

    The request's scope already limits the rows; an object outside it is a 404, as on the
    portal's own pages, rather than the admin's redirect that names the missing object.
    """

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404
        return found

    def has_module_permission(self, request):
        return is_staff_of_cooperatives(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff_of_cooperatives(request.user)

    def has_add_permission(self, request):
        return may_administer(request.user)

    def has_change_permission(self, request, obj=None):
        return may_administer(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cooperative":
            kwargs["queryset"] = Cooperative.objects.filter(id__in=request.visible_cooperative_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SuperuserWritesAdmin(ScopedAdmin):
    """Reference data and accounts: staff may look, only a superuser changes them."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Cooperative)
class CooperativeAdmin(ScopedAdmin):
    list_display = ["name_zh", "slug", "industry", "district", "established", "region"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).filter(id__in=request.visible_cooperative_ids)

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(Region)
class RegionAdmin(SuperuserWritesAdmin):
    list_display = ["name_zh", "slug", "division_code"]


@admin.register(User)
class PortalUserAdmin(SuperuserWritesAdmin, UserAdmin):
    list_display = ["username", "get_full_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = UserAdmin.fieldsets + (
        (_("Portal role"), {"fields": ["role", "region", "cooperative", "institution", "member"]}),
    )

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(AuditRecord)
class AuditRecordAdmin(ScopedAdmin):
    list_display = ["at", "cooperative", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    list_select_related = ["cooperative", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

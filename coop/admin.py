from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from coop import services
from coop.models import (
    AuditRecord,
    Cooperative,
    District,
    Document,
    Holiday,
    Region,
    TenantModel,
    User,
)
from coop.roles import is_administrator, is_staff


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
        return is_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff(request.user)

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cooperative":
            kwargs["queryset"] = Cooperative.objects.filter(id__in=request.visible_cooperative_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Write through the shared services, validated and audited like the portal's writes."""
        if not isinstance(obj, TenantModel):
            return super().save_model(request, obj, form, change)
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            fresh = self.get_queryset(request).get(pk=obj.pk)
            obj.pk = services.update_owned(fresh, actor=request.user, **data).pk
        else:
            cooperative = data.pop("cooperative", None) or form.cleaned_data["cooperative"]
            obj.pk = services.create_owned(
                type(obj), cooperative=cooperative, actor=request.user, **data
            ).pk

    def delete_model(self, request, obj):
        services.delete_owned(obj, actor=request.user)


class ReadOnlyAdmin(ScopedAdmin):
    """Rows only the portal's services write (audit, documents, money, batches): the admin
    shows them and changes none."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserWritesAdmin(ScopedAdmin):
    """Reference data and accounts: staff may look, only a superuser changes them."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class CooperativeForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        region, served = data.get("region"), data.get("districts")
        if region is not None and served is not None:
            elsewhere = [district.name for district in served if district.region_id != region.pk]
            if elsewhere:
                self.add_error(
                    "districts",
                    _(
                        "%(districts)s lie in another region: a cooperative serves districts of "
                        "%(region)s only."
                    )
                    % {"districts": "、".join(elsewhere), "region": region.name},
                )
        return data


@admin.register(Cooperative)
class CooperativeAdmin(ScopedAdmin):
    form = CooperativeForm
    list_display = ["name_zh", "slug", "industry", "district", "established", "region"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["districts"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.serve()  # the seat is always served, whatever was ticked

    def get_queryset(self, request):
        return super().get_queryset(request).filter(id__in=request.visible_cooperative_ids)

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(Region)
class RegionAdmin(SuperuserWritesAdmin):
    list_display = ["name_zh", "slug", "division_code"]


@admin.register(District)
class DistrictAdmin(SuperuserWritesAdmin):
    list_display = ["name_zh", "division_code", "region"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "member", "issued_at", "status"]
    list_filter = ["kind"]
    list_select_related = ["member"]
    search_fields = ["number", "code"]
    # Not editable, so shown only when named: staff read it out to a member who lost the paper.
    readonly_fields = ["code"]


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
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "cooperative", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    list_select_related = ["cooperative", "actor"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The calendar of working days (coop.workdays): staff read it; the portal's operator (a
    superuser) corrects it and adds a year's arrangement when the State Council publishes it.
    One calendar serves every cooperative, so no cooperative's administrator moves another's
    deadlines."""

    list_display = ["date", "name", "working"]
    list_filter = ["working"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def has_module_permission(self, request):
        return is_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff(request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

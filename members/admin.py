from django.contrib import admin

from coop.admin import ScopedAdmin
from members import services
from members.models import Member


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    list_display = ["name", "uscc", "kind", "status", "district", "town", "cooperative"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "uscc", "town"]
    list_select_related = ["cooperative"]
    readonly_fields = ["status"]
    fields = ["cooperative", "name", "uscc", "kind", "status", "district", "town"]

    def get_readonly_fields(self, request, obj=None):
        # A member never moves between cooperatives; status moves only by transitions.
        return ["cooperative", "status"] if obj else ["status"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fresh = self.get_queryset(request).get(pk=obj.pk)
            changed = {name: data[name] for name in form.changed_data}
            saved = services.member_update(member=fresh, actor=request.user, **changed)
        else:
            fields = {name: data[name] for name in services.EDITABLE_FIELDS}
            saved = services.member_create(
                cooperative=data["cooperative"], actor=request.user, **fields
            )
        obj.pk = saved.pk

from django.contrib import admin

from coop.admin import ReadOnlyAdmin, ScopedAdmin
from members import models
from members.services import members as member_services


@admin.register(models.Member)
class MemberAdmin(ScopedAdmin):
    list_display = [
        "name",
        "identifier",
        "kind",
        "status",
        "district",
        "town",
        "scale",
        "cooperative",
    ]
    list_filter = ["status", "kind", "scale", "chain_role", "chain_link"]
    search_fields = ["name", "uscc", "registration_number", "town"]
    list_select_related = ["cooperative", "district"]
    fields = ["cooperative", "status", *member_services.EDITABLE_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        # A member never moves between cooperatives; status moves only by transitions.
        return ["cooperative", "status"] if obj else ["status"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fresh = self.get_queryset(request).get(pk=obj.pk)
            changed = {name: data[name] for name in form.changed_data}
            saved = member_services.member_update(member=fresh, actor=request.user, **changed)
        else:
            fields = {name: data[name] for name in member_services.EDITABLE_FIELDS}
            saved = member_services.member_create(
                cooperative=data["cooperative"], actor=request.user, **fields
            )
        obj.pk = saved.pk


@admin.register(models.ChainLink)
class ChainLinkAdmin(admin.ModelAdmin):
    """The links of each industry's chain: reference data, kept by the portal's superusers."""

    list_display = ["industry", "order", "code", "name_zh", "name_en"]
    list_filter = ["industry"]


@admin.register(models.QualityPerson)
class QualityPersonAdmin(ScopedAdmin):
    list_display = ["name", "role", "member", "position", "appointed_on", "ended_on"]
    list_filter = ["role"]
    search_fields = ["name", "member__name"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]


@admin.register(models.Certification)
class CertificationAdmin(ScopedAdmin):
    list_display = ["member", "scheme", "number", "body", "issued_on", "expires_on"]
    list_filter = ["scheme"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]


@admin.register(models.Convention)
class ConventionAdmin(ReadOnlyAdmin):
    """Versions are adopted in the portal, which numbers them; one signed never changes."""

    list_display = ["title", "version", "adopted_on", "cooperative"]


@admin.register(models.WorkstationSession)
class WorkstationSessionAdmin(ScopedAdmin):
    list_display = ["title", "kind", "on", "place", "cooperative"]
    list_filter = ["kind"]


for model, columns in [
    (models.Honour, ["member", "title", "awarded_by", "awarded_on"]),
    (models.TrademarkLicence, ["member", "trademark", "starts_on", "ends_on"]),
    (models.Pairing, ["leader", "partner", "starts_on", "ends_on"]),
]:
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (ScopedAdmin,),
            {"list_display": columns, "raw_id_fields": columns[:1]},
        ),
    )

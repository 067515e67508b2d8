from django.contrib import admin

from chains.models import ChainAgreement, ResearchProject


@admin.register(ChainAgreement)
class ChainAgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "cooperative", "owner_member", "owner_name", "status", "signed_on"]
    list_filter = ["status"]
    raw_id_fields = ["owner_member", "created_by"]


@admin.register(ResearchProject)
class ResearchProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "cooperative", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["created_by"]

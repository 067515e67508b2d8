from django.contrib import admin

from coop.admin import SuperuserWritesAdmin
from testing_fund.models import TestingInstitution


@admin.register(TestingInstitution)
class TestingInstitutionAdmin(SuperuserWritesAdmin):
    list_display = ["name_zh", "accreditation", "contact"]
    filter_horizontal = ["cooperatives"]

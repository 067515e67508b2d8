from django.contrib import admin

from coop.admin import SuperuserWritesAdmin
from standards.models import ProductCategory


@admin.register(ProductCategory)
class ProductCategoryAdmin(SuperuserWritesAdmin):
    list_display = ["code", "name_zh", "name_en"]

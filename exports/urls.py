"""This app's routes, put together by supervision/urls.py: ``urlpatterns`` (pages at the site's
root), ``cooperative_urlpatterns`` (under ``/c/<coop_slug>/``), ``api_urlpatterns`` (under
``/api/v1/``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from exports import views
from exports.api import measures, products, same_line

urlpatterns = [
    path("same-line-products/", views.same_line_public, name="same-line-public"),
]

cooperative_urlpatterns = [
    path("export-products/", views.product_list, name="export-product-list"),
    path("export-products/new/", views.product_edit, name="export-product-new"),
    path("export-products/<int:pk>/edit/", views.product_edit, name="export-product-edit"),
    path("export-products/<int:pk>/delete/", views.product_delete, name="export-product-delete"),
    path("trade-measures/", views.measure_list, name="trade-measure-list"),
    path("trade-measures/new/", views.measure_new, name="trade-measure-new"),
    path("trade-measures/import/", views.measure_import, name="trade-measure-import"),
    path(
        "trade-measures/import/template.xlsx",
        views.measure_template,
        name="trade-measure-template",
    ),
    path("trade-measures/<int:pk>/", views.measure_detail, name="trade-measure-detail"),
    path("trade-measures/<int:pk>/edit/", views.measure_edit, name="trade-measure-edit"),
    path(
        "trade-measures/alerts/<int:pk>/step/<str:verb>/",
        views.alert_step,
        name="trade-alert-step",
    ),
    path("same-line/", views.same_line_list, name="same-line-list"),
    path("same-line/new/", views.same_line_new, name="same-line-new"),
    path("same-line/<int:pk>/", views.same_line_detail, name="same-line-detail"),
    path("same-line/<int:pk>/step/<str:verb>/", views.same_line_step, name="same-line-step"),
]

router = SimpleRouter()
# The alerts first: ``trade-measures/alerts/`` is no measure (a measure's id is a number).
router.register("trade-measures/alerts", measures.AlertViewSet, basename="api-trade-alert")
router.register("trade-measures", measures.MeasureViewSet, basename="api-trade-measure")
router.register("export-products", products.ExportProductViewSet, basename="api-export-product")
router.register("same-line-products", same_line.SameLineViewSet, basename="api-same-line")

api_urlpatterns = [
    path(
        "public/same-line-products/",
        same_line.PublicSameLineList.as_view(),
        name="api-public-same-line",
    ),
    *router.urls,
]

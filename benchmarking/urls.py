"""This app's routes, put together by supervision/urls.py: ``urlpatterns`` (pages at the site's
root), ``cooperative_urlpatterns`` (under ``/c/<coop_slug>/``), ``api_urlpatterns`` (under
``/api/v1/``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from benchmarking import views
from benchmarking.api import declarations, schemes

urlpatterns = [
    path("benchmarked-products/", views.public_list, name="benchmarked-public"),
]

cooperative_urlpatterns = [
    path("benchmarking/schemes/", views.scheme_list, name="benchmark-scheme-list"),
    path("benchmarking/schemes/new/", views.scheme_new, name="benchmark-scheme-new"),
    path("benchmarking/schemes/<int:pk>/", views.scheme_detail, name="benchmark-scheme-detail"),
    path(
        "benchmarking/schemes/<int:pk>/indicators/",
        views.indicator_add,
        name="benchmark-indicator-add",
    ),
    path(
        "benchmarking/schemes/<int:pk>/compared/",
        views.compared_add,
        name="benchmark-compared-add",
    ),
    path(
        "benchmarking/schemes/<int:pk>/step/<str:verb>/",
        views.scheme_step,
        name="benchmark-scheme-step",
    ),
    path(
        "benchmarking/schemes/<int:pk>/declare/",
        views.declaration_new,
        name="benchmark-declaration-new",
    ),
    path("benchmarking/declarations/", views.declaration_list, name="benchmark-declaration-list"),
    path("benchmarking/review/", views.declaration_review, name="benchmark-declaration-review"),
    path(
        "benchmarking/declarations/<int:pk>/",
        views.declaration_detail,
        name="benchmark-declaration-detail",
    ),
    path(
        "benchmarking/declarations/<int:pk>/step/<str:verb>/",
        views.declaration_step,
        name="benchmark-declaration-step",
    ),
]

router = SimpleRouter()
router.register(
    "benchmark-schemes", schemes.BenchmarkSchemeViewSet, basename="api-benchmark-scheme"
)
router.register(
    "benchmark-declarations",
    declarations.BenchmarkDeclarationViewSet,
    basename="api-benchmark-declaration",
)

api_urlpatterns = [
    path(
        "public/benchmarked-products/",
        declarations.PublicBenchmarkedList.as_view(),
        name="api-public-benchmarked",
    ),
    *router.urls,
]

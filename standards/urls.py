"""The standards library's pages and API routes; ``supervision/urls.py`` puts them together
(see ``coop/urls.py`` for the three lists every app's urls.py holds)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from coop.urls import COOP
from standards import api, views

urlpatterns = [
    path("standards/", views.catalogue, name="catalogue"),
    path("standards/<int:pk>/", views.standard_detail, name="standard"),
    path("standards/<int:pk>/file/", views.standard_file, name="standard-file"),
]

cooperative_urlpatterns = [
    path("collection.xlsx", views.collection_xlsx, name="collection-xlsx"),
    path("collection.pdf", views.collection_pdf, name="collection-pdf"),
    path("declarations/", views.declarations, name="declarations"),
    path(
        "declarations/<int:pk>/",
        views.declaration_benchmark,
        name="declaration-benchmark",
    ),
]

router = SimpleRouter()
for prefix, viewset, name in [
    ("standards", api.CooperativeStandardViewSet, "api-coop-standard"),
    ("declarations", api.DeclarationViewSet, "api-declaration"),
    ("collection", api.CollectionViewSet, "api-collection"),
    ("draftings", api.DraftingViewSet, "api-drafting"),
]:
    router.register(f"{COOP}/{prefix}", viewset, basename=name)
# Indicators first: the catalogue's ids are numbers, so "indicators" is never taken for one.
router.register("standards/indicators", api.IndicatorViewSet, basename="api-indicator")
router.register("standards", api.StandardViewSet, basename="api-standard")

api_urlpatterns = [
    path("standards/verdict/", api.VerdictView.as_view(), name="api-verdict"),
    *router.urls,
]

"""This app's routes, put together by supervision/urls.py: ``urlpatterns`` (pages at the site's
root), ``cooperative_urlpatterns`` (under ``/c/<coop_slug>/``), ``api_urlpatterns`` (under
``/api/v1/``).

The API's licence list is ``…/brand-licences/``: ``…/trademark-licences/`` is members' own
resource (the licences written by staff), which this one reads with their numbers."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from brands import views
from brands.api import design_reviews, infringements, licences
from coop.urls import COOP

urlpatterns = []

cooperative_urlpatterns = [
    path("brands/licences/", views.licence_list, name="licence-list"),
    path("brands/design-reviews/", views.design_review_list, name="design-review-list"),
    path("brands/design-reviews/new/", views.design_review_new, name="design-review-new"),
    path(
        "brands/design-reviews/<int:pk>/",
        views.design_review_detail,
        name="design-review-detail",
    ),
    path("brands/infringements/", views.infringement_list, name="infringement-list"),
    path("brands/infringements/new/", views.infringement_new, name="infringement-new"),
    path(
        "brands/infringements/<int:pk>/",
        views.infringement_detail,
        name="infringement-detail",
    ),
    # A step taken from a page's form (``templates/steps.html``), one route per kind of row.
    *[
        re_path(
            rf"^brands/{kind}/(?P<pk>\d+)/step/(?P<verb>[a-z_]+)/$",
            views.take_step,
            {"kind": kind},
            name=f"{kind[:-1]}-step",
        )
        for kind in views.KINDS
    ],
]

router = SimpleRouter()
for prefix, viewset, name in [
    ("design-reviews", design_reviews.DesignReviewViewSet, "api-design-review"),
    ("infringement-reports", infringements.InfringementViewSet, "api-infringement-report"),
    ("brand-licences", licences.LicenceViewSet, "api-brand-licence"),
    ("collective-trademarks", licences.MarkViewSet, "api-collective-trademark"),
]:
    router.register(f"{COOP}/{prefix}", viewset, basename=name)

api_urlpatterns = router.urls

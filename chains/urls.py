"""This app's routes, put together by supervision/urls.py: ``urlpatterns`` (none at the site's
root), ``cooperative_urlpatterns`` (under ``/c/<coop_slug>/``), ``api_urlpatterns`` (under
``/api/v1/``, the cooperative in the address: ``coops/<slug>/chain-agreements/``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from chains import views
from chains.api import agreements, research
from coop.urls import COOP

urlpatterns = []

cooperative_urlpatterns = [
    path("chain-agreements/", views.agreement_list, name="chain-agreement-list"),
    path("chain-agreements/new/", views.agreement_edit, name="chain-agreement-new"),
    path("chain-agreements/<int:pk>/", views.agreement_detail, name="chain-agreement-detail"),
    path("chain-agreements/<int:pk>/edit/", views.agreement_edit, name="chain-agreement-edit"),
    path("chain-agreements/<int:pk>/suppliers/", views.supplier_add, name="chain-supplier-add"),
    path(
        "chain-agreements/suppliers/<int:pk>/remove/",
        views.supplier_remove,
        name="chain-supplier-remove",
    ),
    path(
        "chain-agreements/<int:pk>/indicators/",
        views.indicator_add,
        name="chain-indicator-add",
    ),
    path(
        "chain-agreements/indicators/<int:pk>/remove/",
        views.indicator_remove,
        name="chain-indicator-remove",
    ),
    path("chain-agreements/<int:pk>/audits/", views.audit_add, name="chain-audit-add"),
    path(
        "chain-agreements/<int:pk>/step/<str:verb>/",
        views.agreement_step,
        name="chain-agreement-step",
    ),
    path("research-projects/", views.project_list, name="research-project-list"),
    path("research-projects/new/", views.project_edit, name="research-project-new"),
    path("research-projects/<int:pk>/", views.project_detail, name="research-project-detail"),
    path("research-projects/<int:pk>/edit/", views.project_edit, name="research-project-edit"),
    path(
        "research-projects/<int:pk>/milestones/",
        views.milestone_add,
        name="research-milestone-add",
    ),
    path(
        "research-projects/milestones/<int:pk>/done/",
        views.milestone_done,
        name="research-milestone-done",
    ),
    path(
        "research-projects/<int:pk>/step/<str:verb>/",
        views.project_step,
        name="research-project-step",
    ),
]

router = SimpleRouter()
router.register(
    COOP + "/chain-agreements", agreements.AgreementViewSet, basename="api-chain-agreement"
)
router.register(
    COOP + "/research-projects", research.ProjectViewSet, basename="api-research-project"
)

api_urlpatterns = [*router.urls]

"""Testing's pages and API routes: batches, the lab's worklist, the fund, sampling rounds and
statistics; ``supervision/urls.py`` puts them together (see ``coop/urls.py`` for the three
lists every app's urls.py holds)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from coop.urls import COOP
from testing_fund import api, bulk_views, views

urlpatterns = [
    path("lab/", views.lab_worklist, name="lab-worklist"),
    path("lab/bulk/receive/", bulk_views.lab_bulk_receive, name="lab-bulk-receive"),
]

cooperative_urlpatterns = [
    path("tests/", views.batch_list, name="batch-list"),
    path("tests/request/", views.batch_request, name="batch-request"),
    path("tests/bulk/approve/", bulk_views.batch_bulk_approve, name="batch-bulk-approve"),
    path("tests/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("tests/<int:pk>/<str:verb>/", views.batch_step, name="batch-step"),
    path("fund/", views.fund_page, name="fund"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/sampling/", bulk_views.round_sampling, name="round-sampling"),
    path(
        "rounds/<int:pk>/sampling.xlsx",
        bulk_views.round_sampling_sheet,
        name="round-sampling-sheet",
    ),
    path("statistics/", views.statistics_page, name="statistics"),
    path("problems/", views.problem_map, name="problem-map"),
    path("problems/export.xlsx", views.problem_map_xlsx, name="problem-map-xlsx"),
]

router = SimpleRouter()
for prefix, viewset, name in [
    ("batches", api.BatchViewSet, "api-batch"),
    ("funds", api.FundViewSet, "api-fund"),
    ("ledger", api.LedgerViewSet, "api-ledger"),
    ("rounds", api.RoundViewSet, "api-round"),
]:
    router.register(f"{COOP}/{prefix}", viewset, basename=name)
router.register("labs/batches", api.LabBatchViewSet, basename="api-lab-batch")

api_urlpatterns = [
    path(
        "coops/<slug:coop_slug>/statistics/",
        api.StatisticsView.as_view(),
        name="api-statistics",
    ),
    path(
        "coops/<slug:coop_slug>/spending/members/",
        api.SpendingByMemberView.as_view(),
        name="api-spending-by-member",
    ),
    *router.urls,
]

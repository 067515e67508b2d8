"""The portal's URLs (ROOT_URLCONF). The top floor puts together coop's own URLs and every
app's: each app's urls.py holds its ``urlpatterns`` (pages at the site's root), its
``cooperative_urlpatterns`` (pages of one cooperative, under ``/c/<coop_slug>/``) and its
``api_urlpatterns`` (under ``/api/v1/``). Only this module imports them all, so no lower app
imports a higher one to be reachable. Within an app the order of its routes is kept; apps'
routes do not overlap, so their order here does not matter."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from benchmarking import urls as benchmarking_urls
from brands import urls as brand_urls
from chains import urls as chain_urls
from consultation import urls as consultation_urls
from coop import public_cache, staff_cache
from coop import urls as coop_urls
from coop.access import public_view
from credit import urls as credit_urls
from exports import urls as export_urls
from members import urls as member_urls
from standards import urls as standards_urls
from supervision import (
    api,
    chain_api,
    chain_views,
    inbox_api,
    lab_views,
    onboarding_api,
    onboarding_views,
    public_search_views,
    schedule_views,
    schedules_api,
    views,
)
from testing_fund import urls as fund_urls

pages = [
    path("", views.home, name="home"),
    path("search/", public_search_views.search, name="public-search"),
    path("staff/", views.role_home, name="staff-home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("coops/new/", onboarding_views.onboard, name="onboard-cooperative"),
    path("labs/", lab_views.labs, name="labs"),
    path("labs/<int:pk>/scope/", lab_views.lab_scope, name="lab-scope"),
    path("chain/", chain_views.region_map, name="region-chain-map"),
    path(
        "regions/<slug:region_slug>/chain/",
        chain_views.region_public_map,
        name="region-public-chain-map",
    ),
    path("chain/batches/", chain_views.region_batches, name="region-chain-batches"),
    path("trends/", chain_views.region_trends, name="indicator-trends"),
]

cooperative_pages = [
    path("", views.cooperative_page, name="cooperative"),
    path("annual-reports/", views.annual_reports, name="annual-reports"),
    path("annual-reports/<int:pk>/", views.annual_report, name="annual-report"),
    path("schedules/", schedule_views.schedule_list, name="schedules"),
    path("schedules/<int:pk>/<str:verb>/", schedule_views.schedule_step, name="schedule-step"),
    path("onboarded/", onboarding_views.onboarded, name="onboarded"),
    path("chain/", chain_views.public_map, name="public-chain-map"),
    path("chain-map/", chain_views.cooperative_map, name="chain-map"),
    path("chain-map/batches/", chain_views.cooperative_batches, name="chain-batches"),
    path("trends/", chain_views.cooperative_trends, name="coop-trends"),
]

schedule_router = SimpleRouter()
schedule_router.register(
    coop_urls.COOP + "/schedules", schedules_api.ScheduleViewSet, basename="api-schedule"
)

api_routes = [
    *schedule_router.urls,
    # coop's list of cooperatives, which also onboards one with POST (a top-floor service).
    path(
        "coops/",
        onboarding_api.CooperativeListOnboardView.as_view({"get": "list", "post": "create"}),
        name="api-coop-list",
    ),
    path("me/inbox/", inbox_api.InboxView.as_view(), name="api-inbox"),
    path(
        "public/search/",
        public_search_views.PublicSearchView.as_view(),
        name="api-public-search",
    ),
    path(
        "statistics/cooperatives/",
        api.RegionStatisticsView.as_view(),
        name="api-region-statistics",
    ),
    path(
        "statistics/indicator-trends/",
        chain_api.IndicatorTrendsView.as_view(),
        name="api-indicator-trends",
    ),
    path(
        "coops/<slug:coop_slug>/chain-map/",
        chain_api.ChainMapView.as_view(),
        name="api-chain-map",
    ),
    path(
        "public/coops/<slug:coop_slug>/chain-map/",
        public_view(chain_api.PublicChainMapView.as_view()),
        name="api-public-chain-map",
    ),
]

APPS = [
    coop_urls,
    member_urls,
    standards_urls,
    fund_urls,
    credit_urls,
    export_urls,
    brand_urls,
    consultation_urls,
    chain_urls,
    benchmarking_urls,
]

urlpatterns = [
    *pages,
    *[route for app in APPS for route in app.urlpatterns],
    path(
        "c/<slug:coop_slug>/",
        include([*cooperative_pages, *[r for app in APPS for r in app.cooperative_urlpatterns]]),
    ),
    path("api/v1/", include([*api_routes, *[r for app in APPS for r in app.api_urlpatterns]])),
]

# The public pages and public API reads an anonymous visitor gets from the cache, thrown away
# when what they show changes (coop/public_cache.py). Forms (complaints, applications) and a
# complaint's tracking are not among them.
public_cache.cache_routes(
    urlpatterns,
    {
        "home",
        "public-search",
        "registry",
        "cooperative",
        "directory",
        "member-page",
        "credit-list",
        "announcements",
        "announcement-detail",
        "announcements-feed",
        "portal-feed",
        "convention",
        "api-public-search",
        "api-registry",
        "api-public-directory",
        "api-public-member",
        "api-public-member-anywhere",
        "api-public-credit",
        "api-public-announcements",
        # the industry-chain map in aggregate (supervision/chain_map.py)
        "public-chain-map",
        "api-public-chain-map",
        "region-public-chain-map",
        # exports: the public list of same-line products (同线同标同质)
        "same-line-public",
        "api-public-same-line",
        # consultation: the FAQ of a cooperative and of the portal
        "cooperative-faq",
        "portal-faq",
        "api-public-faq",
        # benchmarking: the public list of benchmarked products (对标达标)
        "benchmarked-public",
        "api-public-benchmarked",
    },
)

# Staff lists, pages and API, kept per person until their cooperative is written
# (coop/staff_cache.py): the lists staff open most, each 50 rows a page.
staff_cache.cache_routes(
    urlpatterns,
    {
        "batch-list",
        "api-batch-list",
        "member-list",
        "api-member-list",
        "complaint-list",
        "api-complaint-list",
        "commitment-list",
        "api-commitment-list",
    },
)

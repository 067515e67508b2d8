from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from coop import api, views
from members import views as member_views
from members.api import MemberViewSet

member_list = MemberViewSet.as_view({"get": "list", "post": "create"})
member_detail = MemberViewSet.as_view({"get": "retrieve", "patch": "partial_update"})

api_v1 = [
    path("", api.api_root, name="api-root"),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("coops/", api.CooperativeViewSet.as_view({"get": "list"}), name="api-coop-list"),
    path(
        "coops/<slug:coop_slug>/",
        api.CooperativeViewSet.as_view({"get": "retrieve"}),
        name="api-coop-detail",
    ),
    path("coops/<slug:coop_slug>/members/", member_list, name="api-member-list"),
    path("coops/<slug:coop_slug>/members/<int:pk>/", member_detail, name="api-member-detail"),
]

accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

cooperative_pages = [
    path("", views.cooperative_page, name="cooperative"),
    path("members/", member_views.member_list, name="member-list"),
    path("members/new/", member_views.member_new, name="member-new"),
    path("members/<int:pk>/", member_views.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", member_views.member_edit, name="member-edit"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff_home, name="staff-home"),
    path("c/<slug:coop_slug>/", include(cooperative_pages)),
    path("accounts/", include(accounts)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

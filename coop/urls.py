"""coop's own URLs: accounts, the admin, the API's root, token, caller and cooperatives, the
schema and its docs, and the verification of a document by its verification code.

``supervision/urls.py`` is the ROOT_URLCONF: the top floor, the one module that may import
every app, puts these together with each app's ``urls.py``. Each holds three lists:
``urlpatterns`` (pages at the site's root), ``cooperative_urlpatterns`` (pages of one
cooperative, under ``/c/<coop_slug>/``) and ``api_urlpatterns`` (under ``/api/v1/``).
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from coop import account_views, accounts_api, api, attachments_api, documents_api, tokens, views

# A cooperative's resources in the API, as a router prefix (a regular expression).
COOP = r"coops/(?P<coop_slug>[-a-zA-Z0-9_]+)"

accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("verify/", views.verify_lookup, name="verify-lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("accounts/", include(accounts)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script as a file of its own (…/api/docs/?script=), and our page
    # without its inline <style>: the Content-Security-Policy allows no inline script or style.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="coop/swagger_ui.html"
        ),
        name="api-docs",
    ),
]

cooperative_urlpatterns = [
    path("accounts/locked/", account_views.locked_accounts, name="locked-accounts"),
    path("accounts/", account_views.accounts_page, name="accounts"),
    path(
        "accounts/<int:pk>/deactivate/",
        account_views.account_active,
        {"active": False},
        name="account-deactivate",
    ),
    path(
        "accounts/<int:pk>/activate/",
        account_views.account_active,
        {"active": True},
        name="account-activate",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        account_views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitation/<str:token>/", account_views.invitation_accept, name="invitation-accept"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
]

api_urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("auth/token/", tokens.TokenLoginView.as_view(), name="api-token"),
    path("auth/logout/", tokens.TokenLogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", tokens.TokenLogoutAllView.as_view(), name="api-logout-all"),
    path("me/", api.MeView.as_view(), name="api-me"),
    # ``coops/`` itself (the list, and onboarding by POST) is the top floor's:
    # supervision/onboarding_api.py.
    path(
        "coops/<slug:coop_slug>/",
        api.CooperativeViewSet.as_view({"get": "retrieve"}),
        name="api-coop-detail",
    ),
    path(
        "coops/<slug:coop_slug>/invitations/",
        accounts_api.InvitationListView.as_view(),
        name="api-invitation-list",
    ),
    path(
        "coops/<slug:coop_slug>/invitations/<int:id>/revoke/",
        accounts_api.InvitationRevokeView.as_view(),
        name="api-invitation-revoke",
    ),
    path(
        "coops/<slug:coop_slug>/accounts/",
        accounts_api.AccountListView.as_view(),
        name="api-account-list",
    ),
    path(
        "coops/<slug:coop_slug>/accounts/<int:id>/deactivate/",
        accounts_api.AccountActiveView.as_view(active=False),
        name="api-account-deactivate",
    ),
    path(
        "coops/<slug:coop_slug>/accounts/<int:id>/activate/",
        accounts_api.AccountActiveView.as_view(active=True),
        name="api-account-activate",
    ),
    path(
        "coops/<slug:coop_slug>/attachments/<int:pk>/",
        attachments_api.AttachmentDownload.as_view(),
        name="api-attachment-download",
    ),
    path(
        "public/certificates/<str:code>/",
        documents_api.PublicDocumentView.as_view(),
        name="api-public-certificate",
    ),
]

"""Members' pages and API routes; ``supervision/urls.py`` puts them under ``/c/<coop_slug>/``
and ``/api/v1/`` (see ``coop/urls.py`` for the three lists every app's urls.py holds)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from coop.access import public_view
from coop.urls import COOP
from members import bulk_views, views
from members.api import (
    convention,
    documents,
    imports,
    members,
    pairing,
    paper,
    people,
    public,
    records,
)

urlpatterns = []

cooperative_urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("apply/", views.apply, name="apply"),
    path("account/<str:token>/", views.account_setup, name="account-setup"),
    path("convention/", views.convention_page, name="convention"),
    path("profile/", views.profile, name="profile"),
    path("profile/sign/", views.sign, name="sign"),
    path("members/", views.member_list, name="member-list"),
    path("members/export.xlsx", views.member_export, name="member-export"),
    path("members/new/", views.member_new, name="member-new"),
    path("members/bulk/admit/", bulk_views.member_bulk_admit, name="member-bulk-admit"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    # Before the steps' route, which would take "invitation" for a verb.
    path("members/<int:pk>/invitation/", views.member_invitation, name="member-invitation"),
    path(
        "members/<int:pk>/paper-signature/",
        views.member_paper_signature,
        name="member-paper-signature",
    ),
    path(
        "members/<int:pk>/signatures/<int:signature_pk>/scan/",
        views.signature_scan,
        name="signature-scan",
    ),
    path("members/<int:pk>/<str:verb>/", views.member_transition, name="member-transition"),
    path("conventions/", views.conventions, name="conventions"),
    path("overview/", views.overview, name="overview"),
    path("people/", views.people, name="people"),
    path("imports/", views.import_upload, name="import-upload"),
    path("imports/template.xlsx", views.import_template, name="import-template"),
    path("imports/<int:pk>/", views.import_report, name="import-report"),
    path("documents/<str:number>/", views.document_download, name="document-download"),
]

router = SimpleRouter()
for prefix, viewset, name in [
    ("members", members.MemberViewSet, "api-member"),
    ("certifications", records.CertificationViewSet, "api-certification"),
    ("honours", records.HonourViewSet, "api-honour"),
    ("trademark-licences", records.TrademarkLicenceViewSet, "api-licence"),
    ("growth-events", records.GrowthEventViewSet, "api-growth"),
    ("quality-people", people.QualityPersonViewSet, "api-person"),
    ("trainings", people.TrainingRecordViewSet, "api-training"),
    ("workstation-sessions", people.WorkstationSessionViewSet, "api-session"),
    ("attendance", people.AttendanceViewSet, "api-attendance"),
    ("pairings", pairing.PairingViewSet, "api-pairing"),
    ("pairing-activities", pairing.PairingActivityViewSet, "api-activity"),
    ("conventions", convention.ConventionViewSet, "api-convention"),
    ("member-imports", imports.MemberImportViewSet, "api-import"),
]:
    router.register(f"{COOP}/{prefix}", viewset, basename=name)

# A member's lifecycle steps, POST …/members/<id>/<verb>/, are MemberViewSet's (StepActions).
api_urlpatterns = [
    path(
        "coops/<slug:coop_slug>/members/<int:pk>/events/",
        members.MemberEventList.as_view(),
        name="api-member-events",
    ),
    path(
        "coops/<slug:coop_slug>/members/<int:pk>/paper-signatures/",
        paper.PaperSignatureCreate.as_view(),
        name="api-member-paper-signatures",
    ),
    path(
        "coops/<slug:coop_slug>/documents/",
        documents.DocumentList.as_view(),
        name="api-document-list",
    ),
    path(
        "coops/<slug:coop_slug>/documents/<str:number>/pdf/",
        documents.DocumentDownload.as_view(),
        name="api-document-pdf",
    ),
    path(
        "public/coops/<slug:coop_slug>/members/",
        public_view(public.DirectoryView.as_view()),
        name="api-public-directory",
    ),
    *router.urls,
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from coop import api, documents_api, views
from coop.access import public_view
from credit import api as credit_api
from credit import views as credit_views
from members import views as member_views
from members.api import convention, imports, members, pairing, people, public, records
from members.services.lifecycle import STAFF_VERBS
from standards import api as standards_api
from standards import views as standards_views
from testing_fund import api as fund_api
from testing_fund import views as fund_views

COOP = r"coops/(?P<coop_slug>[-a-zA-Z0-9_]+)"
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
    ("standards", standards_api.CooperativeStandardViewSet, "api-coop-standard"),
    ("declarations", standards_api.DeclarationViewSet, "api-declaration"),
    ("collection", standards_api.CollectionViewSet, "api-collection"),
    ("draftings", standards_api.DraftingViewSet, "api-drafting"),
    ("batches", fund_api.BatchViewSet, "api-batch"),
    ("funds", fund_api.FundViewSet, "api-fund"),
    ("ledger", fund_api.LedgerViewSet, "api-ledger"),
    ("rounds", fund_api.RoundViewSet, "api-round"),
    ("commitments", credit_api.CommitmentViewSet, "api-commitment"),
    ("complaints", credit_api.ComplaintViewSet, "api-complaint"),
    ("assessments", credit_api.AssessmentViewSet, "api-assessment"),
    ("assessment-objections", credit_api.ObjectionViewSet, "api-assessment-objection"),
    ("credit-grades", credit_api.CreditGradeViewSet, "api-credit-grade"),
    ("inspections", credit_api.InspectionViewSet, "api-inspection"),
    ("violations", credit_api.ViolationViewSet, "api-violation"),
    ("rectification-orders", credit_api.OrderViewSet, "api-rectification-order"),
    ("exit-proposals", credit_api.ExitProposalViewSet, "api-exit-proposal"),
]:
    router.register(f"{COOP}/{prefix}", viewset, basename=name)
# Indicators first: the catalogue's ids are numbers, so "indicators" is never taken for one.
router.register("standards/indicators", standards_api.IndicatorViewSet, basename="api-indicator")
router.register("standards", standards_api.StandardViewSet, basename="api-standard")
router.register("labs/batches", fund_api.LabBatchViewSet, basename="api-lab-batch")

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
    re_path(
        rf"^{COOP}/members/(?P<pk>\d+)/(?P<verb>{'|'.join(STAFF_VERBS)})/$",
        members.MemberTransitionView.as_view(),
        name="api-member-transition",
    ),
    re_path(
        rf"^{COOP}/batches/(?P<pk>\d+)/(?P<verb>{'|'.join(fund_api.STEPS)})/$",
        fund_api.BatchVerbView.as_view(),
        name="api-batch-verb",
    ),
    re_path(
        r"^labs/batches/(?P<pk>\d+)/(?P<verb>receive|enter|verify)/$",
        fund_api.BatchVerbView.as_view(),
        name="api-lab-batch-verb",
    ),
    path(
        "coops/<slug:coop_slug>/members/<int:pk>/events/",
        members.MemberEventList.as_view(),
        name="api-member-events",
    ),
    path(
        "coops/<slug:coop_slug>/documents/",
        documents_api.DocumentList.as_view(),
        name="api-document-list",
    ),
    path(
        "coops/<slug:coop_slug>/documents/<str:number>/pdf/",
        documents_api.DocumentDownload.as_view(),
        name="api-document-pdf",
    ),
    path(
        "public/coops/<slug:coop_slug>/members/",
        public_view(public.DirectoryView.as_view()),
        name="api-public-directory",
    ),
    path("standards/verdict/", standards_api.VerdictView.as_view(), name="api-verdict"),
    path(
        "coops/<slug:coop_slug>/statistics/",
        fund_api.StatisticsView.as_view(),
        name="api-statistics",
    ),
    path(
        "coops/<slug:coop_slug>/spending/members/",
        fund_api.SpendingByMemberView.as_view(),
        name="api-spending-by-member",
    ),
    path(
        "statistics/cooperatives/",
        fund_api.RegionStatisticsView.as_view(),
        name="api-region-statistics",
    ),
    path(
        "coops/<slug:coop_slug>/lending/",
        credit_api.LendingView.as_view(),
        name="api-lending",
    ),
    path("public/commitments/", credit_api.PublicCommitmentList.as_view(), name="api-registry"),
    path(
        "public/complaints/<str:code>/",
        credit_api.PublicComplaintTracking.as_view(),
        name="api-complaint-tracking",
    ),
    path(
        "public/coops/<slug:coop_slug>/credit-grades/",
        public_view(credit_api.PublicCreditList.as_view()),
        name="api-public-credit",
    ),
    path(
        "public/coops/<slug:coop_slug>/announcements/",
        public_view(credit_api.PublicAnnouncementList.as_view()),
        name="api-public-announcements",
    ),
    path(
        "public/coops/<slug:coop_slug>/complaints/",
        public_view(credit_api.PublicComplaintView.as_view()),
        name="api-public-complaint",
    ),
    path(
        "public/coops/<slug:coop_slug>/members/<int:pk>/",
        public_view(credit_api.PublicMemberView.as_view()),
        name="api-public-member",
    ),
    path(
        "public/certificates/<str:number>/",
        documents_api.PublicDocumentView.as_view(),
        name="api-public-certificate",
    ),
    *router.urls,
]

accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

cooperative_pages = [
    path("", views.cooperative_page, name="cooperative"),
    path("directory/", member_views.directory, name="directory"),
    path("apply/", member_views.apply, name="apply"),
    path("convention/", member_views.convention_page, name="convention"),
    path("profile/", member_views.profile, name="profile"),
    path("profile/sign/", member_views.sign, name="sign"),
    path("members/", member_views.member_list, name="member-list"),
    path("members/export.xlsx", member_views.member_export, name="member-export"),
    path("members/new/", member_views.member_new, name="member-new"),
    path("members/<int:pk>/", member_views.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", member_views.member_edit, name="member-edit"),
    path("members/<int:pk>/<str:verb>/", member_views.member_transition, name="member-transition"),
    path("conventions/", member_views.conventions, name="conventions"),
    path("overview/", member_views.overview, name="overview"),
    path("people/", member_views.people, name="people"),
    path("imports/", member_views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", member_views.import_report, name="import-report"),
    path("documents/<str:number>/", member_views.document_download, name="document-download"),
    path("tests/", fund_views.batch_list, name="batch-list"),
    path("tests/request/", fund_views.batch_request, name="batch-request"),
    path("tests/<int:pk>/", fund_views.batch_detail, name="batch-detail"),
    path("tests/<int:pk>/<str:verb>/", fund_views.batch_step, name="batch-step"),
    path("fund/", fund_views.fund_page, name="fund"),
    path("rounds/", fund_views.round_list, name="round-list"),
    path("rounds/<int:pk>/", fund_views.round_detail, name="round-detail"),
    path("statistics/", fund_views.statistics_page, name="statistics"),
    path("problems/", fund_views.problem_map, name="problem-map"),
    path("annual-reports/", views.annual_reports, name="annual-reports"),
    path("annual-reports/<int:pk>/", views.annual_report, name="annual-report"),
    path("problems/export.xlsx", fund_views.problem_map_xlsx, name="problem-map-xlsx"),
    path("directory/<int:pk>/", credit_views.member_page, name="member-page"),
    path("directory/<int:pk>/complain/", credit_views.complain, name="complain"),
    path("credit/", credit_views.credit_list, name="credit-list"),
    path("announcements/", credit_views.announcements, name="announcements"),
    path("commitments/", credit_views.commitment_list, name="commitment-list"),
    path("commitments/new/", credit_views.commitment_edit, name="commitment-new"),
    path("commitments/<int:pk>/", credit_views.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/edit/", credit_views.commitment_edit, name="commitment-edit"),
    path("complaints/", credit_views.complaint_list, name="complaint-list"),
    path("complaints/<int:pk>/", credit_views.complaint_detail, name="complaint-detail"),
    path(
        "complaints/<int:pk>/evidence/",
        credit_views.complaint_evidence,
        name="complaint-evidence",
    ),
    path("assessments/", credit_views.assessment_list, name="assessment-list"),
    path("assessments/<int:pk>/", credit_views.assessment_detail, name="assessment-detail"),
    path("grades/", credit_views.grade_list, name="grade-list"),
    path("grades/<int:pk>/", credit_views.grade_detail, name="grade-detail"),
    path("grades/lending.xlsx", credit_views.lending_xlsx, name="lending-xlsx"),
    path("enforcement/", credit_views.enforcement_page, name="enforcement"),
    re_path(
        rf"^(?P<kind>{'|'.join(credit_views.KINDS)})/(?P<pk>\d+)/step/(?P<verb>[a-z]+)/$",
        credit_views.take_step,
        name="credit-step",
    ),
    path("collection.xlsx", standards_views.collection_xlsx, name="collection-xlsx"),
    path("collection.pdf", standards_views.collection_pdf, name="collection-pdf"),
    path("declarations/", standards_views.declarations, name="declarations"),
    path(
        "declarations/<int:pk>/",
        standards_views.declaration_benchmark,
        name="declaration-benchmark",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff_home, name="staff-home"),
    path("verify/<str:number>/", views.verify, name="verify"),
    path("lab/", fund_views.lab_worklist, name="lab-worklist"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("commitments/", credit_views.registry, name="registry"),
    path("complaints/track/", credit_views.track, name="track"),
    path("standards/", standards_views.catalogue, name="catalogue"),
    path("standards/<int:pk>/", standards_views.standard_detail, name="standard"),
    path("standards/<int:pk>/file/", standards_views.standard_file, name="standard-file"),
    path("c/<slug:coop_slug>/", include(cooperative_pages)),
    path("accounts/", include(accounts)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

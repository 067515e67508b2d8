"""Credit's pages and API routes: commitments, complaints, assessments, grades and
enforcement, public and staff; ``supervision/urls.py`` puts them together (see
``coop/urls.py`` for the three lists every app's urls.py holds)."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from coop.access import public_view
from coop.urls import COOP
from credit import feeds, views
from credit.api import (
    assessments,
    commitments,
    complaints,
    enforcement,
    exit_proposals,
    grades,
    objections,
    public,
)

urlpatterns = [
    path("commitments/", views.registry, name="registry"),
    path("complaints/track/", views.track, name="track"),
    path("announcements/feed/", feeds.PortalFeed(), name="portal-feed"),
]

cooperative_urlpatterns = [
    path("directory/<int:pk>/", views.member_page, name="member-page"),
    path("directory/<int:pk>/complain/", views.complain, name="complain"),
    path("credit/", views.credit_list, name="credit-list"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement-detail"),
    path("announcements/feed/", public_view(feeds.CooperativeFeed()), name="announcements-feed"),
    path("commitments/", views.commitment_list, name="commitment-list"),
    path("commitments/new/", views.commitment_edit, name="commitment-new"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment-edit"),
    path("complaints/", views.complaint_list, name="complaint-list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path(
        "complaints/<int:pk>/evidence/",
        views.complaint_evidence,
        name="complaint-evidence",
    ),
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("grades/", views.grade_list, name="grade-list"),
    path("grades/<int:pk>/", views.grade_detail, name="grade-detail"),
    path("grades/lending.xlsx", views.lending_xlsx, name="lending-xlsx"),
    path("enforcement/", views.enforcement_page, name="enforcement"),
    re_path(
        rf"^(?P<kind>{'|'.join(views.KINDS)})/(?P<pk>\d+)/step/(?P<verb>[a-z]+)/$",
        views.take_step,
        name="credit-step",
    ),
]

router = SimpleRouter()
for prefix, viewset, name in [
    ("commitments", commitments.CommitmentViewSet, "api-commitment"),
    ("complaints", complaints.ComplaintViewSet, "api-complaint"),
    ("assessments", assessments.AssessmentViewSet, "api-assessment"),
    ("assessment-objections", objections.ObjectionViewSet, "api-assessment-objection"),
    ("credit-grades", grades.CreditGradeViewSet, "api-credit-grade"),
    ("inspections", enforcement.InspectionViewSet, "api-inspection"),
    ("violations", enforcement.ViolationViewSet, "api-violation"),
    ("rectification-orders", enforcement.OrderViewSet, "api-rectification-order"),
    ("exit-proposals", exit_proposals.ExitProposalViewSet, "api-exit-proposal"),
]:
    router.register(f"{COOP}/{prefix}", viewset, basename=name)

api_urlpatterns = [
    path(
        "coops/<slug:coop_slug>/lending/",
        grades.LendingView.as_view(),
        name="api-lending",
    ),
    path("public/commitments/", public.PublicCommitmentList.as_view(), name="api-registry"),
    path(
        "public/complaints/<str:code>/",
        public.PublicComplaintTracking.as_view(),
        name="api-complaint-tracking",
    ),
    path(
        "public/coops/<slug:coop_slug>/credit-grades/",
        public_view(public.PublicCreditList.as_view()),
        name="api-public-credit",
    ),
    path(
        "public/coops/<slug:coop_slug>/announcements/",
        public_view(public.PublicAnnouncementList.as_view()),
        name="api-public-announcements",
    ),
    path(
        "public/coops/<slug:coop_slug>/complaints/",
        public_view(public.PublicComplaintView.as_view()),
        name="api-public-complaint",
    ),
    path(
        "public/members/<int:pk>/",
        public.PublicMemberAnywhereView.as_view(),
        name="api-public-member-anywhere",
    ),
    path(
        "public/coops/<slug:coop_slug>/members/<int:pk>/",
        public_view(public.PublicMemberView.as_view()),
        name="api-public-member",
    ),
    *router.urls,
]

"""This app's routes, put together by supervision/urls.py: ``urlpatterns`` (pages at the site's
root), ``cooperative_urlpatterns`` (under ``/c/<coop_slug>/``), ``api_urlpatterns`` (under
``/api/v1/``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from consultation import views
from consultation.api import faq, questions
from coop.urls import COOP

urlpatterns = [
    path("faq/", views.portal_faq, name="portal-faq"),
]

cooperative_urlpatterns = [
    path("faq/", views.cooperative_faq, name="cooperative-faq"),
    path("questions/", views.question_list, name="question-list"),
    path("questions/new/", views.question_new, name="question-new"),
    path("questions/<int:pk>/", views.question_detail, name="question-detail"),
    path(
        "questions/<int:pk>/step/<slug:verb>/",
        views.question_step,
        name="question-step",
    ),
]

router = SimpleRouter()
router.register(f"{COOP}/questions", questions.QuestionViewSet, basename="api-question")

api_urlpatterns = [
    path("public/faq/", faq.PublicFaqList.as_view(), name="api-public-faq"),
    *router.urls,
]

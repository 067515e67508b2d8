"""The public search's page (``/search/?q=``) and endpoint (``/api/v1/public/search/?q=``):
what ``supervision.public_search`` finds, as cards. No login, and no scope of the visitor's:
the selector reads the public part of every cooperative on purpose."""

from django.shortcuts import render
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from credit.services.grading import GRADES
from supervision import public_search


def search(request):
    """The search's page: the box again, then the cards; an empty box explains what to type,
    an empty answer what to try."""
    text = public_search.asked_text(request.GET)
    page = public_search.search_page(text, request.GET.get("page")) if text else None
    return render(
        request,
        "supervision/search.html",
        {
            "query": text,
            "page": page,
            "suggestions": public_search.suggestions(text) if page is not None else [],
            "scale": GRADES,
        },
    )


class CardCooperativeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CardGradeSerializer(serializers.Serializer):
    grade = serializers.CharField()
    meaning = serializers.CharField(help_text="What the grade says, in the reader's language.")
    scale = serializers.ListField(
        child=serializers.CharField(), help_text="Every grade, best first."
    )
    valid_until = serializers.DateField()


class CardCommitmentSerializer(serializers.Serializer):
    products = serializers.CharField()
    standards = serializers.CharField()
    valid_until = serializers.DateField()


class CardVerdictSerializer(serializers.Serializer):
    product = serializers.CharField()
    reported_on = serializers.DateField()
    passed = serializers.BooleanField()
    failed_indicators = serializers.ListField(child=serializers.CharField())


class CardSerializer(serializers.Serializer):
    """One unit as a search card: public fields only."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    identifier = serializers.CharField(help_text="The USCC, or a household's registration.")
    town = serializers.CharField()
    main_products = serializers.CharField()
    cooperative = CardCooperativeSerializer()
    page = serializers.CharField(help_text="The unit's public page.")
    grade = CardGradeSerializer(allow_null=True)
    commitments = CardCommitmentSerializer(many=True, help_text="Commitments in force.")
    verdicts = CardVerdictSerializer(
        many=True, help_text="The latest reported test verdicts, newest first."
    )


class SearchAnswerSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_is_lower_bound = serializers.BooleanField(
        default=False,
        help_text="The count stopped ten pages past the one asked for: there are more.",
    )
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    query = serializers.CharField()
    suggestions = serializers.ListField(
        child=serializers.CharField(), help_text="What to try when nothing matches."
    )
    results = CardSerializer(many=True)


class PublicSearchView(APIView):
    """Search every cooperative's active members by name, USCC, committed or declared product
    or standard; each result is a card. ``q`` holds at most 100 characters; without it the
    answer is empty, with products to try in ``suggestions``."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Name, USCC or product."),
            OpenApiParameter("page", int, required=False),
        ],
        responses=SearchAnswerSerializer,
    )
    def get(self, request):
        text = public_search.asked_text(request.query_params)
        if not text:
            # Nothing asked, nothing found: the answer says what to type, as the page does.
            return Response(
                {
                    "count": 0,
                    "next": None,
                    "previous": None,
                    "query": "",
                    "suggestions": public_search.suggestions(""),
                    "results": [],
                }
            )
        page = public_search.search_page(text, request.query_params.get("page"))
        url = request.build_absolute_uri()
        answer = {
            "count": page.paginator.count,
            "count_is_lower_bound": page.paginator.more,
            "next": (
                replace_query_param(url, "page", page.next_page_number())
                if page.has_next()
                else None
            ),
            "previous": (
                (
                    replace_query_param(url, "page", page.previous_page_number())
                    if page.previous_page_number() > 1
                    else remove_query_param(url, "page")
                )
                if page.has_previous()
                else None
            ),
            "query": text,
            "suggestions": public_search.suggestions(text) if not page.paginator.count else [],
            "results": list(page.object_list),
        }
        return Response(SearchAnswerSerializer(answer).data)

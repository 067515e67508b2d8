"""Credit grades with the factors that explain them, overridden through ``grading.GRADE``,
and the lending list."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from coop.permissions import only
from coop.roles import is_staff
from credit import grading_words, selectors
from credit.api.rows import COOP_SLUG, ReadOnlyOwned, administrator_only
from credit.models import (
    CreditGrade,
)
from credit.services import enforcement, grading


class FactorSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.SerializerMethodField()
    weight = serializers.CharField()
    share = serializers.CharField()
    points = serializers.CharField()
    why = serializers.SerializerMethodField()

    def get_label(self, row) -> str:
        return str(selectors.FACTOR_LABELS.get(row["factor"], row["factor"]))

    def get_why(self, row) -> str:
        # Stored as a code with its counts; words in the reader's language.
        return grading_words.why(row)


class CreditGradeSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    factors = FactorSerializer(many=True, read_only=True)

    class Meta:
        model = CreditGrade
        fields = [
            "id",
            "member",
            "member_name",
            "grade",
            "computed_grade",
            "score",
            "factors",
            "override_reason",
            "valid_from",
            "valid_until",
        ]
        read_only_fields = fields


@extend_schema(parameters=[COOP_SLUG])
class CreditGradeViewSet(ReadOnlyOwned):
    """The grades valid today (``?history=1`` every grade, ``?member=`` one member's), each
    with its factors; ``run/`` grades now; ``<id>/override/`` sets one by hand, with a reason."""

    model = CreditGrade
    serializer_class = CreditGradeSerializer
    workflow = grading.GRADE
    filterset_fields = ["member", "grade"]

    def get_queryset(self):
        rows = selectors.grades_for(self.request.user)
        if self.request.query_params.get("history") != "1" and self.action == "list":
            rows = rows.filter(pk__in=grading.current_grades().values("pk"))
        return rows.order_by("member__name", "-valid_from", "-id")

    @extend_schema(
        request=None,
        parameters=[COOP_SLUG],
        responses={
            201: inline_serializer(
                "GradingRun",
                {
                    "graded": serializers.IntegerField(),
                    "exit_proposals": serializers.IntegerField(),
                },
            )
        },
    )
    @action(detail=False, methods=["post"])
    def run(self, request, **kwargs):
        administrator_only(request.user)
        graded = grading.grade_members(cooperative_id=request.cooperative.pk)
        proposed = enforcement.propose_exits(cooperative_id=request.cooperative.pk)
        return Response(
            {"graded": len(graded), "exit_proposals": len(proposed)},
            status=status.HTTP_201_CREATED,
        )


class LendingSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField(source="member.name")
    uscc = serializers.CharField(source="member.identifier")
    grade = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    valid_until = serializers.DateField()


@extend_schema(parameters=[COOP_SLUG])
class LendingView(generics.ListAPIView):
    """Members graded A or better that consented to share it, for quality-based lending."""

    serializer_class = LendingSerializer
    permission_classes = only(is_staff, gettext_lazy("The lending list is for staff."))

    def get_queryset(self):
        return selectors.lending_list()

"""Questions to the consultation line: a member asks and reads its own, closes them or follows
up; staff read them all, an administrator records phone questions, answers, publishes as FAQ
and withdraws; the steps are ``services.QUESTION``'s (``POST …/<id>/<verb>/``)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination

from consultation import selectors, services
from consultation.models import Question
from coop.pagination import QuerysetByIds
from coop.roles import is_administrator, is_enterprise
from coop.workflow_api import StepActions
from members.models import Member

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)


class QuestionSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects,
        required=False,
        help_text="The member unit asking: an administrator names it; an enterprise user "
        "asks for its own unit and may leave it out.",
    )
    member_name = serializers.CharField(source="member.name", read_only=True)
    topic_display = serializers.CharField(source="get_topic_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    hours_to_answer = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Hours from asking to the first answer."
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "member",
            "member_name",
            "topic",
            "topic_display",
            "subject",
            "text",
            "by_phone",
            "asked_at",
            "waiting_since",
            "status",
            "status_display",
            "answer",
            "answered_at",
            "hours_to_answer",
            "follow_up",
            "published",
            "faq_question",
            "faq_answer",
            "published_at",
        ]
        read_only_fields = [
            "asked_at",
            "waiting_since",
            "status",
            "answer",
            "answered_at",
            "follow_up",
            "published",
            "faq_question",
            "faq_answer",
            "published_at",
        ]


class QuestionPagination(PageNumberPagination):
    """Ids first, then the page's rows with their members (coop.pagination.QuerysetByIds)."""

    django_paginator_class = QuerysetByIds


@extend_schema(parameters=[COOP_SLUG])
class QuestionViewSet(
    StepActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Questions to the consultation line. ``POST`` asks one (an enterprise user for its own
    unit; an administrator records one received by phone, naming the member)."""

    serializer_class = QuestionSerializer
    workflow = services.QUESTION
    filterset_fields = ["status", "topic", "member", "published"]
    pagination_class = QuestionPagination
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.questions_for(self.request.user)

    def perform_create(self, serializer):
        user = self.request.user
        data = dict(serializer.validated_data)
        if is_enterprise(user) and user.member_id:
            member = data.pop("member", None) or user.member
        elif is_administrator(user):
            member = data.pop("member", None)
            if member is None:
                raise ValidationError({"member": [_("Name the member unit that asked.")]})
        else:
            raise PermissionDenied(_("Only the member unit or an administrator asks a question."))
        serializer.instance = services.ask(member=member, actor=user, **data)

"""``GET /api/v1/me/inbox/``: what waits for the caller, the same counts and rows as the home
page (``supervision.inbox``), so a client can show a badge or a worklist of its own."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from coop.models import Role
from supervision.inbox import inbox_for


class InboxRow(serializers.Serializer):
    label = serializers.CharField()
    detail = serializers.CharField(help_text="the member unit, the cooperative or the status")
    url = serializers.CharField(help_text="the page of the row")
    due_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(
        allow_null=True, help_text="days until the due date; negative when overdue"
    )
    overdue = serializers.BooleanField()


class InboxGroup(serializers.Serializer):
    key = serializers.CharField(help_text="a stable name of the kind of work, e.g. to_approve")
    title = serializers.CharField()
    count = serializers.IntegerField(help_text="every row waiting, not only those listed")
    rows = InboxRow(many=True, help_text="the first few, the earliest due first")
    list_url = serializers.CharField(help_text="the page listing them all, filtered")


class InboxMember(serializers.Serializer):
    year = serializers.IntegerField()
    free_tests_left = serializers.IntegerField(help_text="free batches left this year")
    grade = serializers.CharField(help_text="the credit grade in force; empty when none")
    grade_meaning = serializers.CharField()
    grade_valid_until = serializers.DateField(allow_null=True)


class InboxCooperative(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    overdue_tests = serializers.IntegerField()
    overdue_rectifications = serializers.IntegerField()
    overdue_orders = serializers.IntegerField()
    complaints_waiting = serializers.IntegerField()
    pass_rate = serializers.FloatField(allow_null=True, help_text="percent, this year")
    pass_rate_last_year = serializers.FloatField(allow_null=True)
    falling = serializers.BooleanField()
    needs_attention = serializers.BooleanField()


class Inbox(serializers.Serializer):
    role = serializers.ChoiceField([("", ""), *Role.choices])
    groups = InboxGroup(many=True)
    member = InboxMember(allow_null=True, help_text="an enterprise user's unit; else null")
    cooperatives = InboxCooperative(
        many=True, allow_null=True, help_text="a region supervisor's cooperatives; else null"
    )


class InboxView(APIView):
    """What waits for the caller, by role: the groups of work with their counts and first
    rows; an enterprise's free tests left and credit grade; a region supervisor's
    cooperatives with their overdue work and pass rates."""

    @extend_schema(responses=Inbox)
    def get(self, request):
        return Response(Inbox(inbox_for(request.user, request.visible_cooperative_ids)).data)

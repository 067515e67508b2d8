"""Design-patent pre-review requests: a member unit submits its own (an administrator for any),
staff take the steps (``design_reviews.DESIGN_REVIEW``) at ``POST …/<id>/<verb>/``. The list
says each request's working days left and whether it is overdue; ``?overdue=true`` filters."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from brands import selectors
from brands.api.rows import COOP_SLUG, ByIdsPagination, member_field, member_of
from brands.models import DesignReview
from brands.services import design_reviews
from coop.owned import MemberOwnedViewSet
from coop.workflow_api import StepActions


class DesignReviewSerializer(serializers.ModelSerializer):
    member = member_field()
    member_name = serializers.CharField(source="member.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    days_left = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Working days from today to the due date (negative once overdue); "
        "null once decided.",
    )
    submitted_on = serializers.DateField(required=False)

    class Meta:
        model = DesignReview
        fields = [
            "id",
            "member",
            "member_name",
            "design_name",
            "product",
            "applicant",
            "submitted_on",
            "due_on",
            "days_left",
            "is_overdue",
            "status",
            "status_label",
            "centre_reference",
            "decided_on",
            "return_reason",
            "patent_number",
            "granted_on",
        ]
        read_only_fields = [
            "due_on",
            "status",
            "centre_reference",
            "decided_on",
            "return_reason",
            "patent_number",
            "granted_on",
        ]


OVERDUE = OpenApiParameter("overdue", bool, description="Only the overdue requests (true).")


@extend_schema(parameters=[COOP_SLUG, OVERDUE])
class DesignReviewViewSet(StepActions, MemberOwnedViewSet):
    """Requests for the fast pre-review of a design patent, due 15 working days after receipt;
    overdue ones first."""

    model = DesignReview
    serializer_class = DesignReviewSerializer
    workflow = design_reviews.DESIGN_REVIEW
    enterprise_writes = True
    filterset_fields = ["status", "member"]
    http_method_names = ["get", "post", "head", "options"]
    pagination_class = ByIdsPagination

    def get_queryset(self):
        self.today = timezone.localdate()
        rows = selectors.reviews_for(self.request.user, self.today)
        if self.request.query_params.get("overdue", "").lower() in ("true", "1"):
            rows = rows.filter(is_overdue=True)
        return selectors.overdue_first(rows)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.with_days_left(page, self.today)

    def get_object(self):
        row = super().get_object()
        selectors.with_days_left([row], self.today)
        return row

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        member = member_of(self.request, data)
        self.check_write({"member": member})
        serializer.instance = design_reviews.submit(member=member, actor=self.request.user, **data)
        selectors.with_days_left([serializer.instance])
        serializer.instance.is_overdue = False

    def step_response(self, made, row):
        shown = self.get_queryset().get(pk=row.pk)
        selectors.with_days_left([shown], self.today)
        return super().step_response(shown, row)

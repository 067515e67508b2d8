import datetime
import functools

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from coop import bulk_api
from coop.models import District, StepEvent
from coop.pagination import PageByIds
from coop.roles import is_administrator, is_enterprise
from coop.workflow_api import StepActions
from members.filters import MemberFilter
from members.models import Member
from members.selectors import members_for_user, with_counts
from members.services import bulk, lifecycle
from members.services import members as member_services

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)
# standards' model, reached through Member's relation: members sits below standards (layers).
ProductCategory = Member._meta.get_field("product_categories").related_model


class MemberSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(
        slug_field="division_code",
        queryset=District.objects.all(),
        help_text="division code of the district the unit lies in: one its cooperative serves",
    )
    product_categories = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=ProductCategory.objects.all()
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "status",
            *member_services.EDITABLE_FIELDS,
            "lending_consent",
            "product_categories",
            "joined_on",
            "exited_on",
            "created_at",
        ]
        read_only_fields = ["status", "joined_on", "exited_on", "created_at", "lending_consent"]


class MemberRowSerializer(MemberSerializer):
    """A row of the list: the detail's fields but its product categories (a page of fifty
    does not need a second look-up for them), with each member's current quality people and
    certifications counted. It documents the list; ``list_rows`` makes the rows."""

    quality_people_count = serializers.IntegerField(read_only=True)
    certification_count = serializers.IntegerField(read_only=True)

    class Meta(MemberSerializer.Meta):
        fields = [
            *(name for name in MemberSerializer.Meta.fields if name != "product_categories"),
            "quality_people_count",
            "certification_count",
        ]


# The list's columns: the row serializer's fields, read straight from the database.
LIST_VALUES = [name for name in MemberRowSerializer.Meta.fields if name != "district"] + [
    "district_id"
]
CREATED_AT = MemberSerializer().fields["created_at"]


def list_rows(rows):
    """Rows of .values() shaped as MemberSerializer shapes a member (a test holds them equal).
    Districts are looked up apart, so the page needs no join."""
    codes = dict(
        District.objects.filter(pk__in={row["district_id"] for row in rows}).values_list(
            "pk", "division_code"
        )
    )
    for row in rows:
        row["district"] = codes[row.pop("district_id")]
        row["created_at"] = CREATED_AT.to_representation(row["created_at"])
    return rows


def page_rows(ids):
    return with_counts(Member.objects.filter(pk__in=ids)).values(*LIST_VALUES)


class MemberPagination(PageNumberPagination):
    django_paginator_class = functools.partial(PageByIds, rows=page_rows)


class MemberPermission(BasePermission):
    """Staff read; administrators write; an enterprise reads and updates its own contacts."""

    message = gettext_lazy("Only a cooperative administrator may change members.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or is_administrator(request.user):
            return True
        return request.method == "PATCH" and is_enterprise(request.user)


@extend_schema(parameters=[COOP_SLUG])
class MemberViewSet(
    StepActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Member units of the cooperative in the URL; an enterprise user sees only its own.

    Lists carry each member's current quality people and certifications, counted per member.
    Its lifecycle's steps are ``POST …/members/<id>/<verb>/`` (``lifecycle.MEMBER``).
    """

    workflow = lifecycle.MEMBER

    serializer_class = MemberSerializer
    permission_classes = [IsAuthenticated, MemberPermission]
    pagination_class = MemberPagination
    filterset_class = MemberFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        members = members_for_user(self.request.user).select_related("district")
        return members.prefetch_related("product_categories")

    def filter_queryset(self, queryset):
        # django-filter deep-copies every declared filter to build its form; a page that
        # asks for no filter should not pay for that.
        if not set(self.request.query_params) & set(MemberFilter.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(responses=MemberRowSerializer(many=True))
    def list(self, request, *args, **kwargs):
        """The page as plain rows, shaped with the serializer's own fields: making 50 model
        instances and walking them field by field cost more than the queries did."""
        members = self.filter_queryset(members_for_user(request.user))
        rows = self.paginate_queryset(members.values_list("pk", flat=True))
        return self.get_paginated_response(list_rows(rows))

    @extend_schema(
        request=bulk_api.bulk_input(lifecycle.MEMBER, "admit"),
        responses=bulk_api.BulkAnswerSerializer,
        summary="Admit several applications",
        description=(
            "Each member unit named is brought to `approved` (invited to sign the convention): "
            "one `applied` is reviewed and approved, one `under_review` approved, each in a "
            "transaction of its own. The answer says per id `done`, or `refused` with the "
            "approve step's refusal; an id of another cooperative is refused as not found."
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk/admit")
    def bulk_admit(self, request, **kwargs):
        body = bulk_api.bulk_input(lifecycle.MEMBER, "admit")(data=request.data)
        body.is_valid(raise_exception=True)
        return bulk_api.run(
            request,
            lifecycle.MEMBER,
            bulk.admit_steps,
            rows=members_for_user(request.user),
            body=body.validated_data,
            verbs=bulk.ADMIT_STEPS,
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = member_services.member_create(
            cooperative=self.request.cooperative,
            actor=self.request.user,
            categories=data.pop("product_categories", ()),
            **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if not is_administrator(self.request.user):
            others = set(data) - set(member_services.ENTERPRISE_EDITABLE_FIELDS)
            if others:
                raise PermissionDenied(
                    _("A member unit may change only its contact details, not: %(fields)s.")
                    % {"fields": ", ".join(sorted(others))}
                )
        serializer.instance = member_services.member_update(
            member=serializer.instance,
            actor=self.request.user,
            categories=data.pop("product_categories", None),
            **data,
        )


class MemberEventSerializer(serializers.ModelSerializer):
    """A step of a member's lifecycle, in the fields this endpoint has always answered with;
    an exit's kind and decision date are among the step's recorded details."""

    verb = serializers.CharField(source="step")
    # Null for a step taken by the portal itself (a demo's history, a task's step).
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    exit_kind = serializers.SerializerMethodField()
    decision_date = serializers.SerializerMethodField()

    class Meta:
        model = StepEvent
        fields = [
            "verb",
            "from_status",
            "to_status",
            "actor",
            "reason",
            "exit_kind",
            "decision_date",
            "at",
        ]

    def get_exit_kind(self, event) -> str:
        return event.details.get("exit_kind", "")

    def get_decision_date(self, event) -> datetime.date | None:
        found = event.details.get("decision_date")
        return datetime.date.fromisoformat(found) if found else None


@extend_schema(parameters=[COOP_SLUG])
class MemberEventList(ListAPIView):
    """A member's lifecycle history: who moved it, when, and why."""

    serializer_class = MemberEventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema learns the model only
            return StepEvent.objects.none()
        member = get_object_or_404(members_for_user(self.request.user), pk=self.kwargs["pk"])
        return lifecycle.MEMBER.history(member)

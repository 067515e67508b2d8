"""Joint research projects: ``/api/v1/coops/<slug>/research-projects/`` (paginated) and
``…/<id>/``. Staff read every project of the cooperative, an enterprise those its member unit
takes part in; the cooperative's administrators create and change them and take the declared
steps ``POST …/<id>/start/`` and ``…/<id>/conclude/`` (with ``outcome``)."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from chains import selectors
from chains.models import Milestone, ResearchProject
from chains.services import research
from coop.permissions import only
from coop.roles import is_administrator, is_staff_or_enterprise
from coop.workflow_api import StepActions
from members.models import Member

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)


class ResearchMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on"]
        read_only_fields = ["id", "done_on"]


class ResearchProjectSerializer(serializers.ModelSerializer):
    indicators = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    partners = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    participants = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects, many=True, required=False
    )
    milestones = ResearchMilestoneSerializer(many=True, required=False)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ResearchProject
        fields = [
            "id",
            "title",
            "problem",
            "indicators",
            "participants",
            "partners",
            "milestones",
            "status",
            "status_label",
            "outcome",
            "started_on",
            "concluded_on",
            "created_at",
        ]
        read_only_fields = ["status", "outcome", "started_on", "concluded_on", "created_at"]
        validators = []


@extend_schema_view(
    list=extend_schema(parameters=[COOP_SLUG]),
    retrieve=extend_schema(parameters=[COOP_SLUG]),
    create=extend_schema(parameters=[COOP_SLUG]),
    update=extend_schema(parameters=[COOP_SLUG]),
    partial_update=extend_schema(parameters=[COOP_SLUG]),
)
class ProjectViewSet(StepActions, viewsets.ModelViewSet):
    """``milestones`` are added with the project when it is made; later ones on its page."""

    serializer_class = ResearchProjectSerializer
    workflow = research.PROJECT
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["status"]
    permission_classes = only(
        is_staff_or_enterprise, gettext_lazy("Staff and member units read projects.")
    )

    def get_queryset(self):
        return (
            selectors.visible_projects(self.request.user)
            .prefetch_related(
                "participants",
                Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
            )
            .order_by("-created_at", "-id")
        )

    def check_writer(self):
        if not is_administrator(self.request.user):
            raise PermissionDenied(
                gettext_lazy("Only the cooperative's administrators write these.")
            )

    def save(self, serializer, project=None):
        self.check_writer()
        data = serializer.validated_data
        if project is not None and data.get("milestones"):
            # Taken silently, they were lost: refused, naming the field.
            raise serializers.ValidationError(
                {
                    "milestones": gettext_lazy(
                        "Milestones are given when a project is made; add later ones on its page."
                    )
                }
            )

        def given(name, default):
            if name in data:
                return data[name]
            return getattr(project, name) if project is not None else default

        with transaction.atomic():
            made = research.save_project(
                cooperative=self.request.cooperative,
                actor=self.request.user,
                project=project,
                title=given("title", ""),
                problem=given("problem", ""),
                indicators=given("indicators", []),
                partners=given("partners", []),
                participants=data["participants"]
                if "participants" in data
                else (list(project.participants.all()) if project else []),
            )
            if project is None:
                for each in data.get("milestones") or []:
                    research.add_milestone(project=made, actor=self.request.user, **each)
        serializer.instance = self.get_queryset().get(pk=made.pk)

    # The role is checked before the body: a member unit is told it may not write, not what
    # its body lacks.
    def create(self, request, *args, **kwargs):
        self.check_writer()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.check_writer()
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        self.save(serializer)

    def perform_update(self, serializer):
        self.save(serializer, serializer.instance)

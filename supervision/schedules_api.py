"""A cooperative's schedules in the API: ``GET /api/v1/coops/<slug>/schedules/`` (paginated)
and the steps ``POST …/schedules/<id>/<verb>/`` (pause, resume, reschedule, run, and for the
sampling round set_round: its lab, standard and coverage), each the
service of ``supervision.schedules`` that the page calls too. For staff: administrators of the
cooperative and region supervisors of its region; other roles get a 403, another
cooperative's schedules a 404."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from coop.permissions import only
from coop.roles import is_staff
from supervision import schedules
from supervision.models import Schedule

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)


class RescheduleInput(serializers.Serializer):
    """The new time: what is left out stays as it was (at least one field)."""

    hour = serializers.IntegerField(
        label=gettext_lazy("hour"), min_value=0, max_value=23, required=False
    )
    minute = serializers.IntegerField(
        label=gettext_lazy("minute"), min_value=0, max_value=59, required=False
    )
    # Up to the 28th: every month has it, so no month is skipped.
    day_of_month = serializers.IntegerField(
        label=gettext_lazy("day of the month"),
        min_value=1,
        max_value=28,
        allow_null=True,
        required=False,
        help_text=gettext_lazy("1 to 28; null for every day"),
    )
    months = serializers.ListField(
        label=gettext_lazy("months"),
        child=serializers.IntegerField(min_value=1, max_value=12),
        min_length=1,
        max_length=12,
        required=False,
        help_text=gettext_lazy("the months it runs in, 1 to 12; all twelve for every month"),
    )

    def validate(self, data):
        if not data:
            raise serializers.ValidationError(
                _("Give at least one of hour, minute, day of the month and months.")
            )
        return data


class RoundInput(serializers.Serializer):
    """The sampling round's settings, all three: the service checks the lab serves the
    cooperative and the standard is current."""

    lab = serializers.IntegerField(
        label=gettext_lazy("lab"),
        min_value=1,
        help_text=gettext_lazy("the id of a lab that serves the cooperative"),
    )
    standard = serializers.IntegerField(
        label=gettext_lazy("standard"),
        min_value=1,
        help_text=gettext_lazy("the id of a current standard of the catalogue"),
    )
    coverage = serializers.DecimalField(
        label=gettext_lazy("coverage"),
        max_digits=4,
        decimal_places=1,
        min_value=1,
        max_value=100,
        coerce_to_string=False,
        help_text=gettext_lazy("the percentage of active members to sample, 1 to 100, e.g. 10"),
    )


class RoundSettingsOut(serializers.Serializer):
    lab = serializers.IntegerField(allow_null=True, help_text="the lab's id")
    standard = serializers.IntegerField(allow_null=True, help_text="the standard's id")
    coverage = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text="the percentage of active members sampled",
    )


class CrontabOut(serializers.Serializer):
    minute = serializers.CharField()
    hour = serializers.CharField()
    day_of_month = serializers.CharField()
    month_of_year = serializers.CharField()
    day_of_week = serializers.CharField()
    timezone = serializers.CharField()


class ScheduleSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_kind_display", read_only=True)
    does = serializers.SerializerMethodField(help_text="what the job does, in words")
    task = serializers.CharField(source="periodic_task.task", read_only=True)
    enabled = serializers.BooleanField(source="periodic_task.enabled", read_only=True)
    timing = serializers.SerializerMethodField(help_text="when it runs, in words")
    crontab = CrontabOut(source="periodic_task.crontab", read_only=True, allow_null=True)
    next_run_at = serializers.SerializerMethodField(help_text="null when paused")
    last_run_at = serializers.SerializerMethodField(help_text="null when it never ran")
    outcome = serializers.CharField(source="last_outcome", read_only=True)
    outcome_display = serializers.CharField(source="get_last_outcome_display", read_only=True)
    result = serializers.SerializerMethodField(help_text="what the last run did, or its error")
    round = serializers.SerializerMethodField(
        help_text="the sampling round's lab, standard and coverage; null for the other jobs"
    )

    class Meta:
        model = Schedule
        fields = [
            "id",
            "kind",
            "name",
            "does",
            "task",
            "enabled",
            "waiting",
            "timing",
            "crontab",
            "next_run_at",
            "last_run_at",
            "last_finished_at",
            "outcome",
            "outcome_display",
            "result",
            "round",
        ]
        read_only_fields = fields

    def get_does(self, schedule) -> str:
        return str(schedules.does(schedule))

    def get_timing(self, schedule) -> str:
        return schedules.timing_in_words(schedule.periodic_task.crontab)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_run_at(self, schedule):
        found = schedules.next_run(schedule)
        return serializers.DateTimeField().to_representation(found) if found else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_last_run_at(self, schedule):
        found = schedules.last_run(schedule)
        return serializers.DateTimeField().to_representation(found) if found else None

    def get_result(self, schedule) -> str:
        return schedules.result_in_words(schedule)

    @extend_schema_field(RoundSettingsOut(allow_null=True))
    def get_round(self, schedule):
        if schedule.kind != Schedule.Kind.ROUND:
            return None
        return RoundSettingsOut(schedules.round_settings(schedule)).data


@extend_schema(parameters=[COOP_SLUG])
class ScheduleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A cooperative's scheduled jobs: what each does, when, its next and last run and the
    last run's outcome. The steps answer with the schedule as it is after them; a step the
    schedule's state refuses (pausing a paused one) is a 409."""

    serializer_class = ScheduleSerializer
    permission_classes = only(is_staff, gettext_lazy("Schedules are for staff."))
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return schedules.schedules_of(self.request.cooperative)

    def shown(self, row, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data, status=code)

    @extend_schema(request=None, responses=ScheduleSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, coop_slug, pk):
        """Stop the job running on its timetable until it is resumed."""
        return self.shown(schedules.pause_schedule(schedule=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=ScheduleSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, coop_slug, pk):
        """Run the job on its timetable again."""
        return self.shown(schedules.resume_schedule(schedule=self.get_object(), actor=request.user))

    @extend_schema(request=RescheduleInput, responses=ScheduleSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, coop_slug, pk):
        """Move the job to another time (Asia/Shanghai)."""
        schedule = self.get_object()
        given = RescheduleInput(data=request.data)
        given.is_valid(raise_exception=True)
        row = schedules.reschedule(schedule=schedule, actor=request.user, **given.validated_data)
        return self.shown(row)

    @extend_schema(request=RoundInput, responses=ScheduleSerializer)
    @action(detail=True, methods=["post"])
    def set_round(self, request, coop_slug, pk):
        """Give the sampling round another lab, standard and coverage (a percentage of the
        active members). Another job than the round is a 409."""
        schedule = self.get_object()
        given = RoundInput(data=request.data)
        given.is_valid(raise_exception=True)
        row = schedules.set_round(schedule=schedule, actor=request.user, **given.validated_data)
        return self.shown(row)

    @extend_schema(request=None, responses={202: ScheduleSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, coop_slug, pk):
        """Send the job now, once; its outcome shows once it has run."""
        row = schedules.run_schedule(schedule=self.get_object(), actor=request.user)
        return self.shown(row, status.HTTP_202_ACCEPTED)

"""Quality people, their training, and the chief-quality-officer workstation."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from coop.owned import CooperativeOwnedViewSet, MemberOwnedViewSet, owned_serializer
from coop.roles import is_lab, is_staff
from members.api.members import COOP_SLUG
from members.models import Attendance, QualityPerson, TrainingRecord, WorkstationSession


class QualityPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = QualityPerson
        fields = [
            "id",
            "member",
            "role",
            "name",
            "position",
            "phone",
            "appointed_on",
            "qualification_certificate",
            "ended_on",
        ]

    def to_representation(self, person):
        data = super().to_representation(person)
        user = self.context["request"].user
        if not (is_staff(user) or user.member_id == person.member_id):
            data["phone"] = person.masked_phone
        return data


@extend_schema(parameters=[COOP_SLUG])
class QualityPersonViewSet(MemberOwnedViewSet):
    """Each member's chief quality officer (one at a time) and quality specialists. Lab
    technicians of an institution serving the cooperative see them too, with masked phones."""

    model = QualityPerson
    serializer_class = QualityPersonSerializer
    enterprise_writes = True
    filterset_fields = ["member", "role"]

    def get_queryset(self):
        if is_lab(self.request.user):
            return QualityPerson.objects.filter(ended_on=None)
        return super().get_queryset()


@extend_schema(parameters=[COOP_SLUG])
class TrainingRecordViewSet(MemberOwnedViewSet):
    model = TrainingRecord
    serializer_class = owned_serializer(TrainingRecord, "person", "course", "on", "hours")
    member_path = "person__member"
    enterprise_writes = True
    filterset_fields = ["person"]


class WorkstationSessionSerializer(serializers.ModelSerializer):
    attendance = serializers.IntegerField(read_only=True, source="attendance.count")

    class Meta:
        model = WorkstationSession
        fields = ["id", "kind", "title", "on", "place", "hours", "standard", "attendance"]


@extend_schema(parameters=[COOP_SLUG])
class WorkstationSessionViewSet(CooperativeOwnedViewSet):
    """Training sessions and exchange meetings: administrators plan them, members see them."""

    model = WorkstationSession
    serializer_class = WorkstationSessionSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("attendance")


@extend_schema(parameters=[COOP_SLUG])
class AttendanceViewSet(MemberOwnedViewSet):
    """Who attended a workstation session; administrators record it."""

    model = Attendance
    serializer_class = owned_serializer(Attendance, "session", "person")
    member_path = "person__member"
    filterset_fields = ["session", "person"]
    http_method_names = ["get", "post", "delete", "head", "options"]

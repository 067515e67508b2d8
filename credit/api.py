"""Commitments, complaints, assessments, grades and enforcement under
``/api/v1/coops/<slug>/``, and what the public reads under ``/api/v1/public/``."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from coop import throttle
from coop.access import is_staff_of_cooperatives, may_administer
from coop.owned import MemberOwnedViewSet
from coop.steps import allowed, take
from credit import selectors, steps
from credit.models import (
    Announcement,
    Assessment,
    AssessmentObjection,
    Commitment,
    Complaint,
    CreditGrade,
    ExitProposal,
    Inspection,
    RectificationOrder,
    Violation,
)
from credit.selectors import with_certificate
from credit.services import assessments, commitments, complaints, enforcement, grading
from members.models import Member

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)
COMPLAINTS_PER_HOUR = 5


class CommitmentSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects)
    member_name = serializers.CharField(source="member.name", read_only=True)
    certificate = serializers.CharField(read_only=True, required=False, allow_null=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "member",
            "member_name",
            "status",
            *commitments.FIELDS,
            "review_note",
            "published_at",
            "certificate",
        ]
        read_only_fields = ["status", "review_note", "published_at"]


class StepsMixin:
    """``POST …/<id>/<verb>/``: a step of the viewset's table, for the roles it names; a step
    its row's status does not allow is refused (409) with the reason."""

    step_table = {}

    @extend_schema(request=steps.StepInput, parameters=[COOP_SLUG])
    @action(detail=True, methods=["post"], url_path=r"(?P<verb>[a-z]+)")
    def step(self, request, verb, **kwargs):
        row = self.get_object()
        step = self.step_table.get(verb)
        if step is None:
            raise Http404
        if not allowed(request.user, step.who, row):
            raise PermissionDenied(_("Your role cannot take this step."))
        given = steps.StepInput(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = take(step, row, request.user, given.validated_data)
        rows = self.get_queryset()
        # A step that makes a row of this kind (an override makes a new grade) shows it.
        shown = outcome.pk if isinstance(outcome, rows.model) else row.pk
        return Response(self.get_serializer(rows.get(pk=shown)).data)


class MadeByService:
    """Creation through the app's service (``create_with``), which validates and audits."""

    create_with = None

    def perform_create(self, serializer):
        self.check_write(serializer.validated_data)
        serializer.instance = type(self).create_with(
            actor=self.request.user, **serializer.validated_data
        )


class ReadOnlyOwned(StepsMixin, MemberOwnedViewSet):
    """Rows written by services through their steps, not by plain edits."""

    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        raise PermissionDenied(_("These rows are made by the portal's services."))


@extend_schema(parameters=[COOP_SLUG])
class CommitmentViewSet(MadeByService, StepsMixin, MemberOwnedViewSet):
    """Quality commitments: a member drafts and revises its own (staff may for any member),
    submits it; staff publish or return it, and withdraw a published one."""

    model = Commitment
    serializer_class = CommitmentSerializer
    enterprise_writes = True
    step_table = steps.COMMITMENT_STEPS
    create_with = commitments.draft
    filterset_fields = ["status", "member"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return with_certificate(super().get_queryset().select_related("member"))

    def perform_create(self, serializer):
        self.check_write(serializer.validated_data)
        serializer.instance = commitments.draft(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        self.check_write(serializer.instance)
        data = dict(serializer.validated_data)
        data.pop("member", None)
        serializer.instance = commitments.revise(
            commitment=serializer.instance, actor=self.request.user, **data
        )


class ComplaintSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "member",
            "member_name",
            "product",
            "description",
            "contact",
            "has_evidence",
            "evidence_type",
            "tracking_code",
            "received_at",
            "status",
            "triage",
            "triage_reason",
            "duplicate_of",
            "answer",
            "resolution",
            "resolved_at",
        ]
        read_only_fields = fields

    def get_has_evidence(self, complaint):
        return bool(complaint.evidence)


class MemberComplaintSerializer(ComplaintSerializer):
    """What the member complained about reads: never the complainant's contact or code."""

    class Meta(ComplaintSerializer.Meta):
        fields = [
            name
            for name in ComplaintSerializer.Meta.fields
            if name not in ("contact", "tracking_code")
        ]
        read_only_fields = fields


@extend_schema(parameters=[COOP_SLUG])
class ComplaintViewSet(ReadOnlyOwned):
    """Complaints about members: staff triage and resolve them; the member reads those found
    valid about it (without the complainant's contact) and answers them."""

    model = Complaint
    step_table = steps.COMPLAINT_STEPS
    filterset_fields = ["status", "triage", "member"]

    def get_serializer_class(self):
        if is_staff_of_cooperatives(self.request.user):
            return ComplaintSerializer
        return MemberComplaintSerializer

    def for_enterprise(self, rows, user):
        return rows.filter(member=user.member_id, triage=Complaint.Triage.VALID)

    def get_queryset(self):
        return super().get_queryset().select_related("member")

    @extend_schema(responses={200: bytes}, parameters=[COOP_SLUG])
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk, **kwargs):
        """The purchase evidence, for staff, always as a download of its checked type."""
        complaint = self.get_object()
        if not is_staff_of_cooperatives(request.user):
            raise PermissionDenied(_("The evidence is for staff."))
        return evidence_response(complaint)


def evidence_response(complaint):
    if not complaint.evidence:
        raise Http404
    return FileResponse(
        complaint.evidence.open("rb"),
        as_attachment=True,
        filename=complaint.evidence.name.rsplit("/", 1)[-1],
        content_type=complaint.evidence_type,
    )


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentObjection
        fields = ["id", "assessment", "reason", "filed_at", "decision", "decision_reason"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "member",
            "member_name",
            "period_start",
            "period_end",
            "computed",
            "result",
            "basis",
            "adjustment_reason",
            "status",
            "objections_until",
            "finalised_at",
            "objections",
        ]
        read_only_fields = fields


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=30, default=assessments.OBJECTION_DAYS)

    def validate(self, data):
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": _("The period ends before it starts.")})
        return data


def administrator_only(user):
    if not may_administer(user):
        raise PermissionDenied(_("Only a cooperative administrator does this."))


@extend_schema(parameters=[COOP_SLUG])
class AssessmentViewSet(ReadOnlyOwned):
    """Commitment fulfilment assessments: ``run/`` works them out for a period, staff adjust
    them, ``announce/`` publishes a period for objections, members object."""

    model = Assessment
    serializer_class = AssessmentSerializer
    step_table = steps.ASSESSMENT_STEPS
    filterset_fields = ["status", "member", "period_end"]

    def get_queryset(self):
        return super().get_queryset().select_related("member").prefetch_related("objections")

    @extend_schema(request=PeriodSerializer, parameters=[COOP_SLUG])
    @action(detail=False, methods=["post"])
    def run(self, request, **kwargs):
        administrator_only(request.user)
        period = PeriodSerializer(data=request.data)
        period.is_valid(raise_exception=True)
        made = assessments.assess(
            cooperative_id=request.cooperative.pk,
            start=period.validated_data["start"],
            end=period.validated_data["end"],
        )
        return Response({"created": len(made)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=PeriodSerializer, parameters=[COOP_SLUG])
    @action(detail=False, methods=["post"])
    def announce(self, request, **kwargs):
        administrator_only(request.user)
        period = PeriodSerializer(data=request.data)
        period.is_valid(raise_exception=True)
        announcement = assessments.announce(
            cooperative=request.cooperative, actor=request.user, **period.validated_data
        )
        return Response(AnnouncementSerializer(announcement).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[COOP_SLUG])
class ObjectionViewSet(StepsMixin, viewsets.ReadOnlyModelViewSet):
    """Objections to announced assessments, which staff decide."""

    serializer_class = ObjectionSerializer
    step_table = steps.OBJECTION_STEPS
    filterset_fields = ["decision"]

    def get_queryset(self):
        if not is_staff_of_cooperatives(self.request.user):
            raise PermissionDenied(_("Objections are decided by staff."))
        return AssessmentObjection.objects.all()


class FactorSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.SerializerMethodField()
    weight = serializers.CharField()
    share = serializers.CharField()
    points = serializers.CharField()
    why = serializers.CharField()

    def get_label(self, row):
        return str(selectors.FACTOR_LABELS.get(row["factor"], row["factor"]))


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
    step_table = steps.GRADE_STEPS
    filterset_fields = ["member", "grade"]

    def get_queryset(self):
        rows = super().get_queryset()
        if self.request.query_params.get("history") != "1" and self.action == "list":
            rows = rows.filter(pk__in=grading.current_grades().values("pk"))
        return rows.select_related("member").order_by("member__name", "-valid_from", "-id")

    @extend_schema(request=None, parameters=[COOP_SLUG])
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

    def get_queryset(self):
        if not is_staff_of_cooperatives(self.request.user):
            raise PermissionDenied(_("The lending list is for staff."))
        return selectors.lending_list()


class InspectionSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects)

    class Meta:
        model = Inspection
        fields = ["id", "member", "inspected_on", "inspectors", "findings"]


@extend_schema(parameters=[COOP_SLUG])
class InspectionViewSet(MadeByService, MemberOwnedViewSet):
    model = Inspection
    serializer_class = InspectionSerializer
    create_with = enforcement.record_inspection
    filterset_fields = ["member"]
    http_method_names = ["get", "post", "head", "options"]


class ViolationSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects)
    inspection = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects, required=False, allow_null=True
    )

    class Meta:
        model = Violation
        fields = [
            "id",
            "member",
            "inspection",
            "kind",
            "severity",
            "legal_clause",
            "occurred_on",
            "outcome",
            "outcome_reason",
            "penalty_amount",
        ]
        read_only_fields = ["outcome", "outcome_reason"]


@extend_schema(parameters=[COOP_SLUG])
class ViolationViewSet(MadeByService, MemberOwnedViewSet):
    """Violations: recording one decides its outcome (a first minor one within the policy's
    period is a warning without penalty; a repeat or a serious one, the penalty)."""

    model = Violation
    serializer_class = ViolationSerializer
    create_with = enforcement.record_violation
    filterset_fields = ["member", "outcome"]
    http_method_names = ["get", "post", "head", "options"]


class OrderSerializer(serializers.ModelSerializer):
    violation = serializers.PrimaryKeyRelatedField(queryset=Violation.objects)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RectificationOrder
        fields = ["id", "violation", "requirement", "deadline", "done_on", "overdue"]
        read_only_fields = ["done_on"]


@extend_schema(parameters=[COOP_SLUG])
class OrderViewSet(MadeByService, StepsMixin, MemberOwnedViewSet):
    """Rectification orders with deadlines; ``<id>/done/`` marks one rectified."""

    model = RectificationOrder
    serializer_class = OrderSerializer
    member_path = "violation__member"
    step_table = steps.ORDER_STEPS
    create_with = enforcement.order_rectification
    http_method_names = ["get", "post", "head", "options"]


class ExitProposalSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = ExitProposal
        fields = [
            "id",
            "member",
            "member_name",
            "grounds",
            "status",
            "proposed_at",
            "decision_reason",
            "decided_at",
        ]
        read_only_fields = fields


@extend_schema(parameters=[COOP_SLUG])
class ExitProposalViewSet(ReadOnlyOwned):
    """Exit proposals raised by thresholds (``run/`` checks them now); an administrator
    decides each (``<id>/decide/`` with ``accept`` and ``reason``)."""

    model = ExitProposal
    serializer_class = ExitProposalSerializer
    step_table = steps.EXIT_STEPS
    filterset_fields = ["status"]

    def get_queryset(self):
        if not is_staff_of_cooperatives(self.request.user):
            raise PermissionDenied(_("Exit proposals are for staff."))
        return super().get_queryset().select_related("member")

    @extend_schema(request=None, parameters=[COOP_SLUG])
    @action(detail=False, methods=["post"])
    def run(self, request, **kwargs):
        administrator_only(request.user)
        proposed = enforcement.propose_exits(cooperative_id=request.cooperative.pk)
        return Response({"proposed": len(proposed)}, status=status.HTTP_201_CREATED)


# The public


class AnnouncementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Announcement
        fields = ["id", "title", "body", "published_at"]


class PublicList(generics.ListAPIView):
    """A list anyone may read: no login, published data only."""

    permission_classes = [AllowAny]
    authentication_classes = []


class PublicCommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cooperative = serializers.CharField(source="cooperative.slug")
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.name")
    uscc = serializers.CharField(source="member.identifier")
    products = serializers.CharField()
    standards = serializers.CharField()
    guarantees = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    certificate = serializers.CharField(allow_null=True)


class PublicCommitmentList(PublicList):
    """The registry of published commitments in force, across the portal; ``?q=`` searches
    the member's name, its USCC and the products."""

    serializer_class = PublicCommitmentSerializer

    def get_queryset(self):
        return selectors.commitment_registry(self.request.query_params.get("q", ""))


class PublicGradeSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.name")
    grade = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    factors = FactorSerializer(many=True)
    override_reason = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


@extend_schema(parameters=[COOP_SLUG])
class PublicCreditList(PublicList):
    """The cooperative's credit list: every active member's grade in force, with its factors."""

    serializer_class = PublicGradeSerializer

    def get_queryset(self):
        return selectors.public_credit_list()


@extend_schema(parameters=[COOP_SLUG])
class PublicAnnouncementList(PublicList):
    serializer_class = AnnouncementSerializer

    def get_queryset(self):
        return Announcement.objects.all()


class PublicComplaintSerializer(serializers.ModelSerializer):
    """What the complainant follows with the tracking code: never the contact."""

    member_name = serializers.CharField(source="member.name")

    class Meta:
        model = Complaint
        fields = [
            "tracking_code",
            "member_name",
            "product",
            "received_at",
            "status",
            "triage",
            "triage_reason",
            "answer",
            "resolution",
            "resolved_at",
        ]


class ComplaintFormSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    product = serializers.CharField(max_length=200)
    description = serializers.CharField()
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    evidence = serializers.FileField(required=False)


@extend_schema(parameters=[COOP_SLUG])
class PublicComplaintView(APIView):
    """``POST`` (multipart, no login): file a complaint about an active member; the answer
    holds the tracking code. Limited per address."""

    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ComplaintFormSerializer, responses=PublicComplaintSerializer)
    def post(self, request, coop_slug):
        if not throttle.allow(request, "complaint", COMPLAINTS_PER_HOUR, 3600):
            raise Throttled(detail=_("Too many complaints from your address; try again later."))
        form = ComplaintFormSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        member = selectors.public_member(data.pop("member"))
        upload = data.pop("evidence", None)
        complaint = complaints.file_complaint(
            member=member, evidence=upload.read() if upload else None, **data
        )
        return Response(PublicComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class PublicComplaintTracking(generics.RetrieveAPIView):
    """A complaint as its complainant follows it, by the tracking code."""

    serializer_class = PublicComplaintSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_object(self):
        complaint = selectors.tracked_complaint(self.kwargs["code"])
        if complaint is None:
            raise Http404
        return complaint


class PublicAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = [
            "period_start",
            "period_end",
            "result",
            "adjustment_reason",
            "basis",
            "status",
            "objections_until",
        ]


class PublicMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    identifier = serializers.CharField()
    town = serializers.CharField()
    main_products = serializers.CharField()
    joined_on = serializers.DateField()
    commitment = PublicCommitmentSerializer(allow_null=True)
    grade = PublicGradeSerializer(allow_null=True)
    assessments = PublicAssessmentSerializer(many=True)


@extend_schema(parameters=[COOP_SLUG])
class PublicMemberView(APIView):
    """A member's public page: its fields, commitment in force, grade with its factors, and
    its announced and final assessments."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicMemberSerializer)
    def get(self, request, coop_slug, pk):
        return Response(PublicMemberSerializer(selectors.public_member_page(pk)).data)

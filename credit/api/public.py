"""What anyone reads without a login under ``/api/v1/public/``: the registry of commitments,
a cooperative's credit list and announcements, a member's public page, and the complaint form
and its tracking."""

import functools

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from coop import documents, throttle
from coop.pagination import CappedPageByIds
from coop.tenancy import scope
from credit import selectors
from credit.api.assessments import AnnouncementSerializer
from credit.api.grades import FactorSerializer
from credit.api.rows import COOP_SLUG
from credit.models import (
    Announcement,
    Assessment,
    Complaint,
)
from credit.services import complaints
from credit.services.grading import GRADES


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
    # A published commitment's certificate is public: its code opens its verification.
    certificate_code = serializers.CharField(allow_null=True)


class RegistryPagination(PageNumberPagination):
    """The registry's pages as the page reads them (``credit.views.registry``): ids first, then
    the page's rows, counted no further than ten pages on; ``count_is_lower_bound`` says the
    count stopped there and there are more."""

    django_paginator_class = functools.partial(CappedPageByIds, rows=selectors.registry_rows)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_lower_bound"] = self.page.paginator.more
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_lower_bound"] = {"type": "boolean"}
        return schema


class PublicCommitmentList(PublicList):
    """The registry of published commitments in force, across the portal, newest published
    first; ``?q=`` searches the member's name, its USCC, the products and the standards."""

    serializer_class = PublicCommitmentSerializer
    pagination_class = RegistryPagination

    def get_queryset(self):
        rows = selectors.commitment_registry(self.request.query_params.get("q", ""))
        return rows.values_list("pk", flat=True)


class PublicGradeSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.name")
    grade = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    factors = FactorSerializer(many=True)
    # That a grade was set by hand shows (it differs from the computed one); why is for staff.
    computed_grade = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


@extend_schema(parameters=[COOP_SLUG])
class PublicCreditList(PublicList):
    """The cooperative's credit list: every active member's grade in force, with its factors."""

    serializer_class = PublicGradeSerializer

    @extend_schema(
        parameters=[OpenApiParameter("grade", str, enum=GRADES, description="One grade only.")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        grades = selectors.public_credit_list()
        asked = selectors.asked_grade(self.request.query_params)
        return grades.filter(grade=asked) if asked else grades


@extend_schema(parameters=[COOP_SLUG])
class PublicAnnouncementList(PublicList):
    serializer_class = AnnouncementSerializer

    def get_queryset(self):
        return Announcement.objects.all()


class PublicComplaintSerializer(serializers.ModelSerializer):
    """What the complainant follows with the tracking code: never the contact."""

    member_name = serializers.CharField(source="member.name")
    expected_by = serializers.DateField(
        read_only=True,
        help_text=f"When the handling is expected to end: {Complaint.HANDLING_DAYS} calendar days "
        "from receipt.",
    )

    class Meta:
        model = Complaint
        fields = [
            "tracking_code",
            "member_name",
            "product",
            "received_at",
            "expected_by",
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


class ComplaintThrottle(BaseThrottle):
    """The complaint form's limit per address, counted as the page's form counts it
    (``coop.throttle``); a DRF throttle, so the schema says the form answers 429."""

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return throttle.allow(request, "complaint", complaints.PER_HOUR, 3600)

    def wait(self):
        return None


@extend_schema(parameters=[COOP_SLUG])
class PublicComplaintView(APIView):
    """``POST`` (multipart, no login): file a complaint about an active member; the answer
    holds the tracking code. Limited per address."""

    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ComplaintThrottle]

    def throttled(self, request, wait):
        raise Throttled(detail=_("Too many complaints from your address; try again later."))

    @extend_schema(request=ComplaintFormSerializer, responses={201: PublicComplaintSerializer})
    def post(self, request, coop_slug):
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
            "result",  # staff's reason for adjusting a result is theirs and the member's
            "basis",
            "status",
            "objections_until",
        ]


class GradeStepSerializer(serializers.Serializer):
    """One grade of the T/CAQ 20301-2023 scale, best first, with what it means."""

    grade = serializers.CharField()
    meaning = serializers.CharField()
    held = serializers.BooleanField(help_text="This member's grade in force.")


class FailedIndicatorSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The indicator, in the reader's language.")
    reading = serializers.CharField(help_text="What the lab measured, with its unit.")
    requirement = serializers.CharField(help_text="What the standard requires.")


class PublicTestResultSerializer(serializers.Serializer):
    """A product's latest reported test, as its report's public verification states it."""

    reported_on = serializers.DateField()
    product = serializers.CharField()
    passed = serializers.BooleanField()
    verdict = serializers.CharField(help_text="The verdict in the reader's language.")
    failed = FailedIndicatorSerializer(many=True)
    report_number = serializers.CharField(allow_null=True)
    verification_code = serializers.CharField(
        allow_null=True, help_text="Opens the report's verification; none for a revoked report."
    )
    verification_url = serializers.SerializerMethodField()

    def get_verification_url(self, test) -> str | None:
        if not test.verification_code:
            return None
        return documents.verification_url(test.verification_code)


class PublicCertificationSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    scheme_label = serializers.CharField(source="get_scheme_display")
    number = serializers.CharField()
    body = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()


class PublicHonourSerializer(serializers.Serializer):
    title = serializers.CharField()
    awarded_by = serializers.CharField()
    awarded_on = serializers.DateField()


class PublicTrademarkLicenceSerializer(serializers.Serializer):
    trademark = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class PublicMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    identifier = serializers.CharField()
    town = serializers.CharField()
    main_products = serializers.CharField()
    joined_on = serializers.DateField()
    commitment = PublicCommitmentSerializer(
        allow_null=True, help_text="The latest of ``commitments`` (kept for older clients)."
    )
    commitments = PublicCommitmentSerializer(
        many=True, help_text="Every commitment in force, one per product scope."
    )
    grade = PublicGradeSerializer(allow_null=True)
    scale = GradeStepSerializer(
        many=True, help_text="The six grades, AAA to D, each with its meaning; ``held`` marks it."
    )
    latest_results = PublicTestResultSerializer(
        many=True, help_text="The newest reported test of each product, newest first (at most 6)."
    )
    certifications = PublicCertificationSerializer(
        many=True, help_text="Certificates (ISO 9001 and others) not yet expired."
    )
    honours = PublicHonourSerializer(many=True, help_text="The latest honours (at most 10).")
    trademark_licences = PublicTrademarkLicenceSerializer(
        many=True, help_text="Collective trademark licences in force."
    )
    assessments = PublicAssessmentSerializer(many=True)


@extend_schema(parameters=[COOP_SLUG])
class PublicMemberView(APIView):
    """A member's public page: its fields, commitments in force, grade with its factors and
    the scale it sits on, the latest test result of each product, certifications, honours,
    trademark licences, and its announced and final assessments."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicMemberSerializer)
    def get(self, request, coop_slug, pk):
        return Response(PublicMemberSerializer(selectors.public_member_page(pk)).data)


class PublicMemberAnywhereView(APIView):
    """A member's public page by its id alone, whichever its cooperative (what a search result
    or a shared link names): the same answer as under its cooperative's address."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicMemberSerializer)
    def get(self, request, pk):
        with scope({selectors.public_member_cooperative(pk)}):
            return Response(PublicMemberSerializer(selectors.public_member_page(pk)).data)

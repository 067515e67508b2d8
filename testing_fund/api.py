from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from coop import attachments, bulk_api
from coop.attachments_api import AttachmentSerializer
from coop.pagination import QuerysetByIds
from coop.periods import asked_year
from coop.permissions import only
from coop.roles import is_administrator, is_enterprise, is_lab, is_staff
from coop.schema import YEAR
from coop.workflow_api import StepActions
from members.models import Member
from standards import exemptions
from standards.models import Indicator, ProductCategory, Standard
from testing_fund import round_words
from testing_fund.models import (
    Batch,
    Fund,
    LedgerEntry,
    Objection,
    Rectification,
    Result,
    SamplingRound,
    TestingInstitution,
)
from testing_fund.reports import editions
from testing_fund.selectors import (
    LAB_STATES,
    STAFF_STATES,
    batches_for,
    with_priority,
    worklist_state,
)
from testing_fund.services import batches, rounds
from testing_fund.statistics import cooperative_statistics, spending_by_member, spent_rows

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)


class ResultSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reading = serializers.CharField(
        read_only=True, help_text="the result in the request's language: a category by its label"
    )
    explanation = serializers.CharField(
        source="explained", read_only=True, help_text="why the verdict, in the request's language"
    )

    class Meta:
        model = Result
        fields = [
            "indicator",
            "price",
            "raw",
            "reading",
            "verdict",
            "explanation",
            "explanation_code",
            "explanation_params",
        ]
        read_only_fields = ["explanation_code", "explanation_params"]


# What a request for a test sets; the rest is the workflow's.
REQUESTED_FIELDS = {
    "member",
    "product",
    "category",
    "safety_category",
    "chain_role",
    "standard",
    "lab",
    "indicators",
    "exemptions",
    "lot_number",
    "quantity",
    "delivery",
    "due_on",
    # Set once, on the request (the API has no update): a unit with no free test left asks
    # for one at its own expense; the service refuses a fund-paid one then.
    "paid_by_member",
}


class BatchSerializer(serializers.ModelSerializer):
    results = ResultSerializer(many=True, read_only=True)
    priority = serializers.SerializerMethodField(
        help_text="in ?status=requested: new, raw-material first; null in other lists"
    )
    overdue = serializers.SerializerMethodField(help_text="past its due date and not yet reported")
    overdue_days = serializers.IntegerField(
        read_only=True, help_text="days past the due date; 0 when not overdue"
    )
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects)
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects)
    lab = serializers.PrimaryKeyRelatedField(queryset=TestingInstitution.objects.all())
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductCategory.objects.all(), required=False, allow_null=True
    )
    indicators = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        write_only=True,
        required=False,
        queryset=Indicator.objects.all(),
        help_text="codes; by default those the standard limits for the category",
    )
    exemptions = serializers.ListField(
        child=serializers.ChoiceField(choices=exemptions.CHOICES),
        required=False,
        help_text="GB 18401-2010 exemptions (codes); the indicators they take out are not "
        "tested or charged",
    )

    class Meta:
        model = Batch
        fields = [
            "id",
            "kind",
            "status",
            "member",
            "product",
            "category",
            "safety_category",
            "chain_role",
            "standard",
            "lab",
            "indicators",
            "exemptions",
            "lot_number",
            "quantity",
            "delivery",
            "sampling_place",
            "sampled_product",
            "sampled_at",
            "seal_number",
            "samplers",
            "backup_kept",
            "member_signatory",
            "received_on",
            "due_on",
            "overdue",
            "overdue_days",
            "cost",
            "free_reinspection",
            "paid_by_member",
            "reinspection_of",
            "retest_of",
            "requested_at",
            "reported_on",
            "passed",
            "priority",
            "results",
        ]
        # Everything but what a request sets is the workflow's to write.
        read_only_fields = [name for name in fields if name not in REQUESTED_FIELDS]
        extra_kwargs = {
            "paid_by_member": {
                "help_text": "the unit pays the lab itself; required (true) once its free "
                "tests of the year are used up, set only on the request"
            }
        }

    def get_priority(self, batch) -> int | None:
        return getattr(batch, "priority", None)  # annotated by with_priority only

    def get_overdue(self, batch) -> bool:
        return batch.overdue_days > 0


class ReportEditionSerializer(serializers.Serializer):
    """One edition of a batch's test report: an amendment is a new edition replacing one."""

    number = serializers.CharField()
    code = serializers.CharField(help_text="opens its public verification")
    edition = serializers.IntegerField()
    status = serializers.CharField()
    issued_at = serializers.DateTimeField()
    replaces = serializers.CharField(source="replaces.number", default=None, allow_null=True)
    withdrawn_reason = serializers.CharField(source="revocation")
    superseded_reason = serializers.CharField()


class ReportObjectionSerializer(serializers.ModelSerializer):
    retest = serializers.SerializerMethodField(
        help_text="the re-test of the backup sample an upheld objection ordered"
    )

    class Meta:
        model = Objection
        fields = [
            "reason",
            "filed_at",
            "decision",
            "decision_reason",
            "decided_at",
            "outcome",
            "outcome_at",
            "retest",
        ]

    def get_retest(self, objection) -> int | None:
        return self.context["retests"][0] if self.context.get("retests") else None


class BatchDetailSerializer(BatchSerializer):
    """A batch with its corrections: the objection to its report (decision and outcome), the
    re-tests of its backup sample, and every edition of its report."""

    objection = serializers.SerializerMethodField()
    retests = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "objection", "retests", "reports"]
        read_only_fields = [*BatchSerializer.Meta.read_only_fields, "objection", "retests"]

    def get_retests(self, batch) -> list[int]:
        return list(batch.retests.order_by("pk").values_list("pk", flat=True))

    @extend_schema_field(ReportObjectionSerializer(allow_null=True))
    def get_objection(self, batch):
        objection = Objection.objects.filter(batch=batch).first()
        if objection is None:
            return None
        return ReportObjectionSerializer(
            objection, context={"retests": self.get_retests(batch)}
        ).data

    @extend_schema_field(ReportEditionSerializer(many=True))
    def get_reports(self, batch):
        return ReportEditionSerializer(
            editions(batch).exclude(file="").select_related("replaces"), many=True
        ).data


class BatchSteps(StepActions):
    """``POST …/batches/<id>/<verb>/``: the batch's declared steps (``batches.BATCH``), and at
    the same address the answer to its rectification notice (``answer``) and the decision of
    its report's objection (``decide``), steps of their own workflows. A viewset mixing it in
    sets ``workflow = batches.BATCH``."""

    @classmethod
    def schema_steps(cls):
        related = [(verb, flow, flow.step(verb)) for verb, flow in batches.RELATED_STEPS.items()]
        return super().schema_steps() + related

    @extend_schema(responses=BatchSerializer)
    @action(detail=True, methods=["post"], url_path=r"(?P<verb>[a-z_]+)")
    def step(self, request, verb, **kwargs):
        workflow = batches.RELATED_STEPS.get(verb)
        if workflow is None:
            return super().step(request, verb, **kwargs)
        batch = self.get_object()
        _batch_workflow, row = batches.step_of(batch, verb)
        if not workflow.may(request.user, workflow.step(verb), row):
            raise PermissionDenied(_("Your role cannot take this step."))
        given = workflow.input(data=request.data)
        given.is_valid(raise_exception=True)
        workflow.take(verb, row, actor=request.user, **given.validated_data)
        return self.step_response(None, batch)

    @extend_schema(responses=AttachmentSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="attachments")
    def attachments(self, request, **kwargs):
        """The files attached to the batch (photos of the sample and its seal) and to its
        rectification notice (the answer's evidence), each with its download address."""
        batch = self.get_object()
        rows = attachments.of(batch)
        rectification = Rectification.objects.filter(batch=batch).first()
        if rectification is not None:
            rows = rows | attachments.of(rectification)
        rows = rows.select_related("cooperative").order_by("uploaded_at", "pk")
        # Paginated as every list is (a batch has a few dozen files at most).
        page = self.paginate_queryset(rows)
        found = AttachmentSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(found.data)

    def step_response(self, made, row):
        if self.kwargs.get("verb") == "reinspect":  # the answer is the batch it ordered
            made = batches.newest_reinspection(row)
        return super().step_response(made, row)


class SamplingRowSerializer(serializers.Serializer):
    """One batch's sampling in a bulk: its id and what the step ``sample`` asks for."""

    id = serializers.IntegerField(min_value=1, max_value=bulk_api.MAX_ID)
    sampled_product = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="if not the product requested"
    )
    lot_number = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.CharField(required=False, allow_blank=True, default="")
    seal_number = serializers.CharField(required=False, allow_blank=True, default="")
    sampling_place = serializers.CharField(required=False, allow_blank=True, default="")
    samplers = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="two names, separated by 、"
    )
    backup_kept = serializers.BooleanField(required=False, default=False)
    member_signatory = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="who signed for the member"
    )


BULK_DESCRIPTION = (
    "Each batch named is taken through the step on its own, in a transaction of its own: the "
    "answer says per id `done`, or `refused` with the single step's refusal (a state that "
    "does not allow it, the fund's balance, a missing field); a refused batch is left as it "
    "was and the others are done. An id the caller may not reach (another cooperative's, "
    "another lab's) is refused as not found."
)


def bulk_schema(verb, summary, **options):
    return extend_schema(
        request=options.pop("request", None)
        or bulk_api.bulk_input(batches.BATCH, verb, fields_from=verb),
        responses=bulk_api.BulkAnswerSerializer,
        summary=summary,
        description=BULK_DESCRIPTION,
        **options,
    )


class BulkReceive:
    @bulk_schema("receive", "Receive several samples (the batches' lab)")
    @action(detail=False, methods=["post"], url_path="bulk/receive")
    def bulk_receive(self, request, **kwargs):
        return bulk_batches(request, "receive")


def bulk_batches(request, verb, rows=None):
    body = bulk_api.bulk_input(batches.BATCH, verb, fields_from=verb, rows=rows)
    body = body(data=request.data)
    body.is_valid(raise_exception=True)
    return bulk_api.run(
        request, batches.BATCH, verb, rows=batches_for(request.user), body=body.validated_data
    )


def state_parameter(states, default):
    return OpenApiParameter(
        "state",
        str,
        enum=[state.name for state in states],
        description=(
            f"which batches: {', '.join(state.name for state in states)}. Without it "
            f"`{default}`, or `all` when `status` is given. The work still to do (every state "
            "but `closed` and `all`) comes earliest due first, so the overdue on top; the "
            "rest newest request first."
        ),
    )


def in_state(request, rows, states, default):
    """The batches of ``?state=``, ordered as its list; an unknown state is a 400 naming it."""
    asked = request.query_params.get("state", "")
    names = [state.name for state in states]
    if asked and asked not in names:
        raise serializers.ValidationError(
            {
                "state": [
                    _("“%(state)s” is not a state of this list; choose one of %(states)s.")
                    % {"state": asked, "states": ", ".join(names)}
                ]
            }
        )
    return worklist_state(states, request.query_params, default).rows(rows)


class BatchPagination(PageNumberPagination):
    """The page's ids first, then its rows with their results: a deep page reads no row it
    skips (each default order has its index, testing_fund/models.py)."""

    django_paginator_class = QuerysetByIds


@extend_schema(parameters=[COOP_SLUG])
@extend_schema_view(list=extend_schema(parameters=[state_parameter(STAFF_STATES, "all")]))
class BatchViewSet(
    BulkReceive,
    BatchSteps,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The cooperative's batches; an enterprise requests free tests for its own unit."""

    serializer_class = BatchSerializer
    pagination_class = BatchPagination
    filterset_fields = ["status", "kind", "member"]
    workflow = batches.BATCH

    def get_serializer_class(self):
        return BatchDetailSerializer if self.action == "retrieve" else BatchSerializer

    def get_queryset(self):
        batches = batches_for(self.request.user)
        if self.action != "list":
            return batches
        # All by default, as before the worklists had states: clients count on it.
        batches = in_state(self.request, batches, STAFF_STATES, "all")
        if self.request.query_params.get("status") == Batch.Status.REQUESTED:
            return with_priority(batches).order_by("-priority", "requested_at", "pk")
        return batches

    def perform_create(self, serializer):
        user, data = self.request.user, dict(serializer.validated_data)
        if not (
            is_administrator(user) or (is_enterprise(user) and data["member"].pk == user.member_id)
        ):
            raise PermissionDenied(
                _("A member unit requests tests for itself; staff for any member.")
            )
        serializer.instance = batches.request_batch(actor=user, **data)

    @bulk_schema("approve", "Approve several test requests")
    @action(detail=False, methods=["post"], url_path="bulk/approve")
    def bulk_approve(self, request, **kwargs):
        return bulk_batches(request, "approve")

    @bulk_schema(
        "sample",
        "Record the sampling of several batches",
        request=bulk_api.bulk_input(
            batches.BATCH, "sample", fields_from="sample", rows=SamplingRowSerializer
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk/sample")
    def bulk_sample(self, request, **kwargs):
        return bulk_batches(request, "sample", rows=SamplingRowSerializer)


@extend_schema_view(list=extend_schema(parameters=[state_parameter(LAB_STATES, "open")]))
class LabBatchViewSet(
    BulkReceive,
    BatchSteps,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A lab's worklist: its own batches in every cooperative it serves, never another lab's;
    the lab takes its steps (receive, enter, verify) at ``POST …/labs/batches/<id>/<verb>/``.
    It opens on the lab's work to do (``?state=open``: to receive, to enter, to verify), the
    earliest due first; ``?state=closed`` or ``?state=all`` for the rest."""

    serializer_class = BatchSerializer
    pagination_class = BatchPagination
    filterset_fields = ["status"]
    workflow = batches.BATCH
    permission_classes = only(is_lab, gettext_lazy("This is a lab's worklist."))

    def get_queryset(self):
        batches = batches_for(self.request.user)
        if self.action != "list":
            return batches
        return in_state(self.request, batches, LAB_STATES, "open")


class LedgerSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "amount", "batch", "appropriation", "reason", "at"]


class FundSerializer(serializers.ModelSerializer):
    balance = serializers.DecimalField(
        max_digits=12, decimal_places=2, source="balance_total", read_only=True
    )

    class Meta:
        model = Fund
        fields = ["id", "year", "free_quota", "balance"]


@extend_schema(parameters=[COOP_SLUG])
class FundViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The cooperative's funds by year with their balances (the sum of each ledger)."""

    serializer_class = FundSerializer
    permission_classes = only(is_staff, gettext_lazy("The fund is for staff."))

    def get_queryset(self):
        return Fund.objects.annotate(balance_total=Sum("ledger__amount")).order_by("-year")


@extend_schema(parameters=[COOP_SLUG])
class LedgerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every movement of the cooperative's funds, oldest first."""

    serializer_class = LedgerSerializer
    filterset_fields = ["fund", "kind", "batch"]
    permission_classes = only(is_staff, gettext_lazy("The fund is for staff."))

    def get_queryset(self):
        return LedgerEntry.objects.all()


class SelectedMemberSerializer(serializers.Serializer):
    """A selected member: its weight in the draw, and why it was drawn in the request's
    language, with the reasons as the round keeps them (codes with parameters)."""

    member = serializers.IntegerField()
    weight = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    reason_codes = serializers.ListField(child=serializers.JSONField())


class RoundListSerializer(serializers.ListSerializer):
    """Names the districts and categories of every round listed at once, not per round."""

    def to_representation(self, data):
        rounds_ = list(data.all() if hasattr(data, "all") else data)
        self.child.name_rows(rounds_)
        return super().to_representation(rounds_)


class RoundSerializer(serializers.ModelSerializer):
    selection = serializers.SerializerMethodField()

    def name_rows(self, sampling_rounds):
        """Code each round's selection (legacy text too) and look its names up in bulk."""
        self._coded = {
            sampling_round.pk: round_words.with_legacy_stratum(
                sampling_round, sampling_round.selection
            )
            for sampling_round in sampling_rounds
        }
        self._names = round_words.names_for([row for rows in self._coded.values() for row in rows])

    @extend_schema_field(SelectedMemberSerializer(many=True))
    def get_selection(self, sampling_round):
        if sampling_round.pk not in getattr(self, "_coded", {}):
            self.name_rows([sampling_round])
        return [
            {
                "member": row["member"],
                "weight": row["weight"],
                "reasons": [
                    round_words.reason_in_words(said, self._names) for said in row["reasons"]
                ],
                "reason_codes": row["reasons"],
            }
            for row in self._coded[sampling_round.pk]
        ]

    class Meta:
        model = SamplingRound
        fields = [
            "id",
            "name",
            "coverage",
            "seed",
            "lab",
            "standard",
            "safety_category",
            "status",
            "selection",
            "created_at",
            "confirmed_at",
        ]
        read_only_fields = ["status", "created_at", "confirmed_at"]
        list_serializer_class = RoundListSerializer
        extra_kwargs = {"seed": {"required": False}}


@extend_schema(parameters=[COOP_SLUG])
class RoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Sampling rounds: posting one previews its selection (each member with its reasons);
    ``POST …/<id>/confirm/`` books the batches, once however often it is called."""

    serializer_class = RoundSerializer
    permission_classes = only(is_staff, gettext_lazy("Sampling rounds are for staff."))

    def get_queryset(self):
        return SamplingRound.objects.all()

    def perform_create(self, serializer):
        if not is_administrator(self.request.user):
            raise PermissionDenied(_("Only a cooperative administrator plans a round."))
        serializer.instance = rounds.preview_round(
            cooperative=self.request.cooperative,
            actor=self.request.user,
            **serializer.validated_data,
        )

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, coop_slug, pk):
        if not is_administrator(request.user):
            raise PermissionDenied(_("Only a cooperative administrator confirms a round."))
        confirmed = rounds.confirm_round(sampling_round=self.get_object(), actor=request.user)
        return Response(RoundSerializer(confirmed).data)


class PassRate(serializers.Serializer):
    """Batches reported, how many passed, and the rate in percent (null when none)."""

    total = serializers.IntegerField()
    passed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


def rate_rows(name, **keys):
    """The serializer of ``statistics.grouped`` rows: the keys they are grouped by, and rates."""
    return type(name, (PassRate,), keys)


class ProblemSerializer(serializers.Serializer):
    town = serializers.CharField()
    indicator = serializers.CharField()
    indicator_name = serializers.CharField()
    failures = serializers.IntegerField()


class TurnaroundSerializer(serializers.Serializer):
    lab = serializers.IntegerField()
    name = serializers.CharField()
    batches = serializers.IntegerField(help_text="reported in the year, with a receipt day")
    median_days = serializers.FloatField(help_text="median days from receipt to report")


class MonthSpendingSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    batches = serializers.IntegerField()
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)


class IndicatorSpendingSerializer(serializers.Serializer):
    indicator__code = serializers.CharField()
    indicator__name_zh = serializers.CharField()
    tests = serializers.IntegerField()
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)


class SpendingSerializer(serializers.Serializer):
    """The year's fund: money in, spent, held for approved batches, and left (yuan)."""

    appropriated = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    held = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    average_cost = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    by_month = MonthSpendingSerializer(many=True)
    by_indicator = IndicatorSpendingSerializer(many=True)


class StatisticsSerializer(serializers.Serializer):
    """What ``statistics.cooperative_statistics`` answers (documentation of the response)."""

    year = serializers.IntegerField()
    overall = PassRate()
    by_category = rate_rows(
        "CategoryPassRate",
        category__code=serializers.CharField(allow_null=True),
        category__name_zh=serializers.CharField(allow_null=True),
    )(many=True)
    by_district = rate_rows("DistrictPassRate", member__district__name_zh=serializers.CharField())(
        many=True
    )
    by_town = rate_rows("TownPassRate", member__town=serializers.CharField())(many=True)
    by_quarter = rate_rows(
        "QuarterPassRate", quarter=serializers.DateField(help_text="the quarter's first day")
    )(many=True)
    by_indicator = rate_rows(
        "IndicatorPassRate",
        indicator__code=serializers.CharField(),
        indicator__name_zh=serializers.CharField(),
        failed=serializers.IntegerField(),
    )(many=True)
    problem_map = ProblemSerializer(many=True)
    turnaround_by_lab = TurnaroundSerializer(many=True)
    spending = SpendingSerializer()


class StatisticsView(APIView):
    """``?year=``: pass rates overall and by category, district, town, quarter and indicator,
    the problem map (failures by town and indicator), each lab's median turnaround, and
    spending against the budget."""

    @extend_schema(parameters=[COOP_SLUG, YEAR], responses=StatisticsSerializer)
    def get(self, request, coop_slug):
        if not is_staff(request.user):
            raise PermissionDenied(_("Statistics are for staff."))
        return Response(
            cooperative_statistics(request.cooperative.pk, asked_year(request.query_params))
        )


class MemberSpendingSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    batches = serializers.IntegerField()
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)


class SpendingByMemberView(GenericAPIView):
    """``?year=``: what the fund paid for each member's batches, largest first, paginated."""

    serializer_class = MemberSpendingSerializer
    filter_backends = []  # ``?year=`` is its one parameter, read by ``asked_year``

    @extend_schema(parameters=[COOP_SLUG, YEAR], responses=MemberSpendingSerializer(many=True))
    def get(self, request, coop_slug):
        if not is_staff(request.user):
            raise PermissionDenied(_("Statistics are for staff."))
        rows = spending_by_member(request.cooperative.pk, asked_year(request.query_params))
        page = spent_rows(self.paginate_queryset(rows))
        return self.get_paginated_response(
            [
                {
                    "member": row["batch__member"],
                    "name": row["batch__member__name"],
                    "batches": row["batches"],
                    "spent": row["spent"],
                }
                for row in page
            ]
        )

"""Foreign technical trade measures, ``/api/v1/trade-measures/``, and their alerts,
``/api/v1/trade-measures/alerts/``.

Staff read the measures of the cooperatives they may see, each with how many members were
alerted and how many acknowledged (the detail lists every alert: who has and who has not); an
administrator enters one with its ``cooperative``'s slug, and it is matched at once. An
enterprise reads only the measures it was alerted of, with its own alert, and acknowledges
that alert: ``POST /api/v1/trade-measures/alerts/<id>/acknowledge/`` (the declared step)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from coop.models import Cooperative
from coop.roles import is_administrator, is_enterprise, is_staff
from coop.workflow_api import StepActions
from exports import countries, selectors
from exports.models import MeasureAlert, TradeMeasure
from exports.services import measures
from standards.models import ProductCategory


class AlertSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    measure_title = serializers.CharField(source="measure.title", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    acknowledged_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = MeasureAlert
        fields = [
            "id",
            "measure",
            "measure_title",
            "member",
            "member_name",
            "status",
            "status_label",
            "products",
            "alerted_at",
            "acknowledged_at",
            "acknowledged_by",
            "note",
        ]
        read_only_fields = fields


class CooperativeField(serializers.SlugRelatedField):
    """A cooperative the user may see, by its slug; another is unknown (a 400 naming it)."""

    def get_queryset(self):
        visible = self.context["request"].visible_cooperative_ids
        return Cooperative.objects.filter(pk__in=visible)


class MeasureSerializer(serializers.ModelSerializer):
    cooperative = CooperativeField(slug_field="slug")
    country_name = serializers.CharField(read_only=True)
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=ProductCategory.objects.all()
    )
    hs_prefixes = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        help_text="HS code prefixes touched (2 to 10 digits), e.g. 6302.",
    )
    # Counted for staff; null for an enterprise, which sees only its own alert (my_alert).
    alerted = serializers.SerializerMethodField()
    acknowledged = serializers.SerializerMethodField()
    my_alert = serializers.SerializerMethodField()

    class Meta:
        model = TradeMeasure
        fields = [
            "id",
            "cooperative",
            "country",
            "country_name",
            "title",
            "text",
            "hs_prefixes",
            "categories",
            "effective_on",
            "reference",
            "created_at",
            "alerted",
            "acknowledged",
            "my_alert",
        ]
        read_only_fields = ["created_at"]

    def get_alerted(self, measure) -> int | None:
        return getattr(measure, "alerted", None)

    def get_acknowledged(self, measure) -> int | None:
        return getattr(measure, "acknowledged", None)

    def get_my_alert(self, measure) -> AlertSerializer(allow_null=True):
        mine = getattr(measure, "my_alerts", None)
        return AlertSerializer(mine[0]).data if mine else None

    def validate_country(self, value):
        value = value.strip().upper()
        if value not in countries.COUNTRIES:
            raise serializers.ValidationError(
                _("“%(value)s” is not a country code the portal knows (ISO 3166 alpha-2, e.g. DE).")
                % {"value": value}
            )
        return value


class MeasureDetailSerializer(MeasureSerializer):
    alerts = serializers.SerializerMethodField()

    class Meta(MeasureSerializer.Meta):
        fields = [*MeasureSerializer.Meta.fields, "alerts"]

    def get_alerts(self, measure) -> AlertSerializer(many=True):
        rows = getattr(measure, "all_alerts", None)
        return AlertSerializer(rows, many=True).data if rows is not None else []


class MeasureViewSet(viewsets.ModelViewSet):
    """Trade measures: staff read all of their cooperatives'; an enterprise those it was
    alerted of; an administrator enters one (``cooperative``: its slug) and changes one
    (``PATCH``, re-matched when what it touches changes)."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"
    filterset_fields = ["country"]

    def get_queryset(self):
        user = self.request.user
        rows = selectors.measures_for(user)
        if is_enterprise(user) and user.member_id:
            rows = rows.prefetch_related(
                Prefetch(
                    "alerts",
                    queryset=MeasureAlert.objects.filter(member=user.member_id).select_related(
                        "member", "measure", "acknowledged_by"
                    ),
                    to_attr="my_alerts",
                )
            )
        elif is_staff(user) and self.action == "retrieve":
            rows = rows.prefetch_related(
                Prefetch(
                    "alerts",
                    queryset=MeasureAlert.objects.select_related(
                        "member", "measure", "acknowledged_by"
                    ).order_by("status", "member__name", "pk"),
                    to_attr="all_alerts",
                )
            )
        return rows.order_by("-effective_on", "-id")

    def get_serializer_class(self):
        return MeasureDetailSerializer if self.action == "retrieve" else MeasureSerializer

    def perform_create(self, serializer):
        if not is_administrator(self.request.user):
            raise PermissionDenied(_("Only a cooperative administrator enters trade measures."))
        data = serializer.validated_data
        made = measures.save_measure(
            cooperative=data["cooperative"],
            actor=self.request.user,
            country=data["country"],
            title=data["title"],
            text=data["text"],
            effective_on=data["effective_on"],
            reference=data.get("reference", ""),
            hs_prefixes=data.get("hs_prefixes", []),
            categories=data.get("categories", []),
        )
        serializer.instance = self.get_queryset().get(pk=made.pk)

    def perform_update(self, serializer):
        """``PATCH``: an administrator changes the fields given; a change of what the measure
        touches re-matches it (exports.services.measures.edit_measure). Its cooperative stays."""
        if not is_administrator(self.request.user):
            raise PermissionDenied(_("Only a cooperative administrator changes trade measures."))
        data = dict(serializer.validated_data)
        if "cooperative" in data and data.pop("cooperative") != serializer.instance.cooperative:
            raise serializers.ValidationError(
                {"cooperative": [_("A measure stays with its cooperative.")]}
            )
        try:
            measures.edit_measure(measure=serializer.instance, actor=self.request.user, **data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class AlertViewSet(StepActions, viewsets.ReadOnlyModelViewSet):
    """Alerts of trade measures: staff read all (``?measure=``, ``?status=pending`` for who
    has not acknowledged); an enterprise its own, and acknowledges them."""

    serializer_class = AlertSerializer
    workflow = measures.ALERT
    filterset_fields = ["measure", "status", "member"]

    def get_queryset(self):
        return selectors.alerts_for(self.request.user).order_by("-alerted_at", "-id")

"""``/api/v1/coops/``: the cooperatives the caller may see (coop's list), and ``POST`` to
onboard one (``supervision/onboarding.py``), for region supervisors within their own region.

The top floor serves the address, since onboarding crosses apps that coop may not import; the
list itself stays coop's ``CooperativeViewSet``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from coop import periods
from coop.api import CooperativeSerializer, CooperativeViewSet
from coop.permissions import only
from supervision.onboarding import CONVENTION_FIELDS, may_onboard, onboard_cooperative
from testing_fund.models import YUAN

TEXT = dict(allow_blank=True, required=False, default="")


class OnboardingSerializer(serializers.Serializer):
    """What a new cooperative needs, under the same names as the onboarding page's fields."""

    name_zh = serializers.CharField(max_length=200, help_text="name in Chinese")
    name_en = serializers.CharField(max_length=200, help_text="name in English", **TEXT)
    slug = serializers.CharField(
        max_length=50,
        help_text="web name in its addresses (/c/<slug>/): 3 to 50 lowercase letters, digits "
        "and single hyphens; unique",
    )
    code = serializers.CharField(
        max_length=12,
        help_text="2 to 12 capital letters or digits that begin its certificate numbers; unique",
    )
    industry = serializers.CharField(max_length=100)
    region = serializers.SlugField(
        required=False,
        allow_null=True,
        default=None,
        help_text="the region's slug; the caller's own region when omitted (a supervisor "
        "onboards only into their own)",
    )
    district = serializers.CharField(
        max_length=6, help_text="division code of the district of its seat, in the region"
    )
    districts = serializers.ListField(
        child=serializers.CharField(max_length=6),
        max_length=50,
        required=False,
        default=list,
        help_text="division codes of the districts it serves besides its seat (its members may "
        "lie in any of them), all in the region; the seat's district is served anyway",
    )
    established = periods.DateField(
        required=False, allow_null=True, default=None, help_text="today when omitted"
    )
    founding_units = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=50, required=False, default=list
    )
    description = serializers.CharField(max_length=2000, **TEXT)
    labs = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=50,
        required=False,
        default=list,
        help_text="ids of the testing institutions that serve it",
    )
    convention_title = serializers.CharField(max_length=200)
    convention_text = serializers.CharField(max_length=20000, help_text="the preamble", **TEXT)
    convention_purpose = serializers.CharField(max_length=20000)
    convention_principles = serializers.CharField(max_length=20000)
    convention_duties = serializers.CharField(max_length=20000)
    convention_member_conditions = serializers.CharField(max_length=20000)
    convention_entry_exit_rules = serializers.CharField(max_length=20000)
    fund_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=periods.FIRST_YEAR,
        help_text="the fund's fiscal year; this year when omitted",
    )
    fund_amount = serializers.DecimalField(
        max_digits=YUAN["max_digits"],
        decimal_places=YUAN["decimal_places"],
        help_text="the first appropriation in yuan, more than 0",
    )
    fund_source = serializers.CharField(max_length=200, help_text="who gives the money")
    fund_on = periods.DateField(
        required=False, allow_null=True, default=None, help_text="today when omitted"
    )
    fund_document_number = serializers.CharField(max_length=100, **TEXT)
    administrators = serializers.ListField(
        child=serializers.EmailField(max_length=150),
        min_length=1,
        max_length=20,
        help_text="email addresses of its administrators, each invited by mail",
    )

    def service_values(self):
        data = dict(self.validated_data)
        data["convention"] = {name: data.pop(f"convention_{name}") for name in CONVENTION_FIELDS}
        return data


class InvitedSerializer(serializers.Serializer):
    email = serializers.EmailField()
    expires_at = serializers.DateTimeField()


class OnboardedSerializer(serializers.Serializer):
    cooperative = CooperativeSerializer()
    districts = serializers.SerializerMethodField()
    convention_version = serializers.IntegerField(source="convention.version")
    fund_year = serializers.IntegerField(source="appropriation.fund.year")
    fund_amount = serializers.DecimalField(
        source="appropriation.amount",
        max_digits=YUAN["max_digits"],
        decimal_places=YUAN["decimal_places"],
    )
    invitations = InvitedSerializer(many=True)
    schedules = serializers.SerializerMethodField()

    def get_districts(self, made) -> list[str]:
        """Division codes of the districts it serves, its seat's among them."""
        return [district.division_code for district in made.cooperative.districts.all()]

    def get_schedules(self, made) -> list[str]:
        """The names of the scheduled jobs installed."""
        return [task.name for task in made.schedules]


class CooperativeListOnboardView(CooperativeViewSet):
    """The cooperatives the user may see (a region supervisor: all of the region); a region
    supervisor onboards a new one in their region with ``POST``."""

    def get_permissions(self):
        if self.action == "create":
            return [
                permission()
                for permission in only(
                    may_onboard, _("Only a region supervisor onboards a cooperative.")
                )
            ]
        return super().get_permissions()

    @extend_schema(
        request=OnboardingSerializer,
        responses={201: OnboardedSerializer},
        description="Onboard a cooperative in one transaction: the cooperative, the districts "
        "it serves (its seat's always among them), the labs that serve it, version 1 of its "
        "convention, its fund's first appropriation, an invitation mailed to each "
        "administrator and its scheduled jobs. A broken rule is a 400 naming "
        "the field, and nothing is written; a region not the caller's own is a 403.",
    )
    def create(self, request):
        asked = OnboardingSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        made = onboard_cooperative(actor=request.user, **asked.service_values())
        return Response(OnboardedSerializer(made).data, status=status.HTTP_201_CREATED)

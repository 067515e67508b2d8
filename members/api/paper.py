"""Staff record a member unit's paper signature of the convention, with its scan."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coop import periods
from coop.permissions import only
from coop.roles import is_administrator
from members.models import ConventionSignature
from members.selectors import member_for_user
from members.services import convention as convention_services


class PaperSignatureInput(serializers.Serializer):
    signed_on = periods.DateField(label=gettext_lazy("date signed"))
    version = serializers.IntegerField(
        label=gettext_lazy("version"),
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=100000,
        help_text=gettext_lazy("The convention's version; by default the current one."),
    )
    signer_name = serializers.CharField(label=gettext_lazy("signer's name"), max_length=100)
    signer_position = serializers.CharField(label=gettext_lazy("signer's position"), max_length=100)
    scan = serializers.FileField(
        label=gettext_lazy("scan"),
        help_text=gettext_lazy("The signed paper: a PDF, JPG or PNG file of at most 5 MB."),
    )


class PaperSignatureSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="convention.version", read_only=True)
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = ConventionSignature
        fields = [
            "id",
            "member",
            "version",
            "signer_name",
            "signer_position",
            "signed_at",
            "on_paper",
            "has_scan",
        ]
        read_only_fields = fields

    def get_has_scan(self, signature) -> bool:
        return bool(signature.scan)


@extend_schema(parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)])
class PaperSignatureCreate(APIView):
    """Record the unit's signature of the convention on paper, with its scan (multipart). An
    import's paper signature without a scan gets it; an approved unit becomes active."""

    parser_classes = [MultiPartParser]
    permission_classes = only(
        is_administrator,
        gettext_lazy("Only a cooperative administrator records a paper signature."),
    )

    @extend_schema(request=PaperSignatureInput, responses={201: PaperSignatureSerializer})
    def post(self, request, coop_slug, pk):
        member = member_for_user(request.user, pk)
        given = PaperSignatureInput(data=request.data)
        given.is_valid(raise_exception=True)
        signature = convention_services.paper_signature_record(
            member=member, actor=request.user, **given.validated_data
        )
        return Response(PaperSignatureSerializer(signature).data, status=status.HTTP_201_CREATED)

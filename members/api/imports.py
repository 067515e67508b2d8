from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from coop import xlsx
from coop.permissions import only
from coop.roles import is_administrator
from members.api.members import COOP_SLUG
from members.models import MemberImport
from members.services import imports


class MemberImportSerializer(serializers.ModelSerializer):
    valid = serializers.BooleanField(source="is_valid", read_only=True)

    class Meta:
        model = MemberImport
        fields = [
            "id",
            "file_name",
            "status",
            "valid",
            "rows",
            "errors",
            "uploaded_at",
            "imported_at",
        ]


@extend_schema(parameters=[COOP_SLUG])
class MemberImportViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Upload an XLSX or CSV file (``file``) for a dry run; confirm it to save every row."""

    serializer_class = MemberImportSerializer
    parser_classes = [MultiPartParser]
    permission_classes = only(
        is_administrator, gettext_lazy("Only a cooperative administrator imports members.")
    )

    def get_queryset(self):
        return MemberImport.objects.all()

    @extend_schema(
        request=inline_serializer("MemberImportUpload", {"file": serializers.FileField()}),
        responses=MemberImportSerializer,
    )
    def create(self, request, coop_slug):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": _("Attach the XLSX or CSV file as “file”.")})
        member_import = imports.import_check(
            cooperative=request.cooperative,
            actor=request.user,
            file_name=upload.name,
            content=upload.read(),
        )
        return Response(self.get_serializer(member_import).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={(200, xlsx.XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def template(self, request, coop_slug):
        """The XLSX file to fill in: the members' sheet with every column the import reads, and
        a second sheet explaining each (meaning, whether required, allowed values, example)."""
        response = HttpResponse(imports.template_xlsx(request.cooperative), content_type=xlsx.XLSX)
        response["Content-Disposition"] = 'attachment; filename="member-import-template.xlsx"'
        return response

    @extend_schema(request=None, responses=MemberImportSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, coop_slug, pk):
        member_import = imports.import_confirm(member_import=self.get_object(), actor=request.user)
        return Response(self.get_serializer(member_import).data)

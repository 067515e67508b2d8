"""A file attached to a row, downloaded through the API as on the page (``coop.attachments``):
for those who may see the row, a 404 for anyone else. Which files a row has is listed by the
row's own app (a batch's: ``…/batches/<id>/attachments/``)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from coop import attachments
from coop.models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(
        help_text="the file's address in the API (select_related the cooperative)"
    )

    class Meta:
        model = Attachment
        fields = ["id", "purpose", "name", "content_type", "size", "sha256", "uploaded_at"]
        fields += ["download"]
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        return reverse(
            "api-attachment-download",
            args=[attachment.cooperative.slug, attachment.pk],
            request=self.context["request"],
        )


class AttachmentDownload(APIView):
    """The file, as an attachment of the type its content showed when it was attached."""

    @extend_schema(
        parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request, coop_slug, pk):
        return attachments.response(request.user, pk)

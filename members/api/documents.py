"""A member unit's certificates and reports, for the users who may see the member: the list
and the PDF (the page ``document-download`` serves the PDF with ``download`` too)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.views import APIView

from coop.models import Document
from members.selectors import documents_for_user


def download(user, number):
    document = get_object_or_404(documents_for_user(user), number=number)
    if not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.number}.pdf",
        content_type="application/pdf",
    )


class DocumentSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Document
        # The code opens the document's public verification (the number alone does not).
        fields = [
            "number",
            "code",
            "kind",
            "member",
            "status",
            "issued_at",
            "sha256",
            "public_details",
        ]


@extend_schema(parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)])
class DocumentList(generics.ListAPIView):
    """Certificates and reports of the members you may see (an enterprise: its own)."""

    serializer_class = DocumentSerializer
    filterset_fields = ["member", "kind"]

    def get_queryset(self):
        return documents_for_user(self.request.user).exclude(file="")


class DocumentDownload(APIView):
    """The PDF of a document."""

    @extend_schema(
        parameters=[OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)],
        responses={(200, "application/pdf"): bytes},
    )
    def get(self, request, coop_slug, number):
        return download(request.user, number)

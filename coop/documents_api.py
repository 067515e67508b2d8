from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from coop.models import Document
from coop.verification import find_document
from members.selectors import members_for_user


class VerificationSerializer(serializers.Serializer):
    """What the public may know of a document: no contacts, no signer, no file."""

    number = serializers.CharField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    cooperative = serializers.CharField(source="cooperative.name_zh")
    issued_at = serializers.DateTimeField()
    details = serializers.JSONField(source="public_details")
    sha256 = serializers.CharField()


@extend_schema(parameters=[OpenApiParameter("number", str, OpenApiParameter.PATH)])
class PublicDocumentView(generics.RetrieveAPIView):
    """Verify a certificate or report: is it valid, superseded or revoked?"""

    serializer_class = VerificationSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_object(self):
        document = find_document(self.kwargs["number"])
        if document is None or not document.file:
            raise Http404
        return document


def documents_for_user(user):
    """Documents of the members ``user`` may see."""
    return Document.objects.filter(member__in=members_for_user(user).values("pk"))


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
        fields = ["number", "kind", "member", "status", "issued_at", "sha256", "public_details"]


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

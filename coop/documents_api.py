"""The public verification of a document by its number (the API beside the ``verify`` page).
A member's own documents, listed and downloaded, are members' (``members/api/documents.py``)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from coop.verification import find_document


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

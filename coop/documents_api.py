"""The public verification of a document by its verification code (the API beside the
``verify`` page; see ``coop/verification.py`` for why a number alone opens nothing).
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
    revoked_reason = serializers.CharField(
        source="revocation", help_text="why it was withdrawn; empty unless revoked"
    )
    replaces = serializers.CharField(
        source="replaces.number",
        default=None,
        allow_null=True,
        help_text="the number of the document this amended edition replaces",
    )
    replaced_by = serializers.SerializerMethodField(
        help_text="the number of the amended edition that replaces this one"
    )
    superseded_reason = serializers.CharField(help_text="why it was replaced")

    def get_replaced_by(self, document) -> str | None:
        replacement = getattr(document, "replacement", None)
        return replacement.number if replacement else None


@extend_schema(
    parameters=[
        OpenApiParameter(
            "code",
            str,
            OpenApiParameter.PATH,
            description="The verification code printed beside the document's number and in "
            "its QR code (not the number).",
        )
    ]
)
class PublicDocumentView(generics.RetrieveAPIView):
    """Verify a certificate or report by its verification code: is it valid, superseded or
    revoked? An unknown code, or a document's number, is a 404."""

    serializer_class = VerificationSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_object(self):
        document = find_document(self.kwargs["code"])
        if document is None:
            raise Http404
        return document

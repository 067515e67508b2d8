"""What anyone may look up: a cooperative's member directory."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from members.api.members import COOP_SLUG
from members.selectors import public_directory, search_members


class DirectoryMemberSerializer(serializers.Serializer):
    """Public fields only: no contacts, no people's phones, no history."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    identifier = serializers.CharField()
    kind = serializers.CharField()
    district = serializers.CharField(source="district.name_zh")
    town = serializers.CharField()
    main_products = serializers.CharField()
    joined_on = serializers.DateField()
    iso9001 = serializers.BooleanField()


@extend_schema(parameters=[COOP_SLUG])
class DirectoryView(generics.ListAPIView):
    """The active members of a cooperative; ``?q=`` searches name, code or town."""

    serializer_class = DirectoryMemberSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        return search_members(public_directory(), self.request.query_params.get("q", ""))

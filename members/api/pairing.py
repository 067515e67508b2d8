"""Big hand pulls small hand: pairings of a leading enterprise with a small member."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema

from coop.owned import MemberOwnedViewSet, owned_serializer
from members.api.members import COOP_SLUG
from members.models import Pairing, PairingActivity


@extend_schema(parameters=[COOP_SLUG])
class PairingViewSet(MemberOwnedViewSet):
    """Administrators pair members; both members of a pairing see it."""

    model = Pairing
    serializer_class = owned_serializer(
        Pairing, "leader", "partner", "starts_on", "ends_on", "goals"
    )
    member_path = "partner"
    filterset_fields = ["leader", "partner"]

    def get_queryset(self):
        return super().get_queryset().select_related("leader", "partner")

    def for_enterprise(self, rows, user):
        return rows.filter(Q(leader=user.member_id) | Q(partner=user.member_id))


@extend_schema(parameters=[COOP_SLUG])
class PairingActivityViewSet(MemberOwnedViewSet):
    """The activity log of pairings: shadowing visits, training, consultations."""

    model = PairingActivity
    serializer_class = owned_serializer(PairingActivity, "pairing", "kind", "on", "description")
    member_path = "pairing__partner"
    filterset_fields = ["pairing", "kind"]

    def for_enterprise(self, rows, user):
        return rows.filter(Q(pairing__leader=user.member_id) | Q(pairing__partner=user.member_id))

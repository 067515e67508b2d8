"""API access to rows a cooperative owns: staff see every row in scope and administrators
change them; an enterprise user sees what is meant for it; anyone else sees nothing."""

from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from coop import services
from coop.roles import is_administrator, is_enterprise, is_staff


def owned_serializer(model, *fields):
    """A plain serializer of ``model``. Its links to tenant rows need nothing special: DRF
    hands a relation the model's default manager and calls .all() only when the data arrives,
    so a linked id is looked up in the request's scope, and another cooperative's is unknown."""
    meta = type("Meta", (), {"model": model, "fields": ["id", *fields]})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


class CooperativeOwnedViewSet(viewsets.ModelViewSet):
    """Rows of the cooperative as a whole (a workstation session): all its people may read
    them, administrators change them."""

    model = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        rows = self.model.objects.all()
        user = self.request.user
        if is_staff(user):
            return rows
        if is_enterprise(user):
            return self.for_enterprise(rows, user)
        return rows.none()

    def for_enterprise(self, rows, user):
        return rows

    def check_write(self, row_or_data):
        if not is_administrator(self.request.user):
            raise PermissionDenied(_("Only a cooperative administrator may change this."))

    def perform_create(self, serializer):
        self.check_write(serializer.validated_data)
        serializer.instance = services.create_owned(
            self.model,
            cooperative=self.request.cooperative,
            actor=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer):
        self.check_write(serializer.instance)
        serializer.instance = services.update_owned(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        self.check_write(instance)
        services.delete_owned(instance, actor=self.request.user)


class MemberOwnedViewSet(CooperativeOwnedViewSet):
    """Rows owned by one member unit: an enterprise user sees its own unit's rows and, where
    ``enterprise_writes`` says so, changes them."""

    member_path = "member"  # how a row reaches the member that owns it
    enterprise_writes = False

    def for_enterprise(self, rows, user):
        return rows.filter(**{self.member_path: user.member_id})

    def owner(self, row_or_data):
        first, *rest = self.member_path.split("__")
        owner = row_or_data[first] if isinstance(row_or_data, dict) else getattr(row_or_data, first)
        for step in rest:
            owner = getattr(owner, step)
        return owner

    def check_write(self, row_or_data):
        user = self.request.user
        if is_administrator(user):
            return
        if self.enterprise_writes and is_enterprise(user):
            if self.owner(row_or_data).pk == user.member_id:
                return
            raise PermissionDenied(
                _("Only an administrator or the member unit itself may change this.")
            )
        super().check_write(row_or_data)

"""The API's role checks as DRF permissions, so a view answers 403 before it reads a row and
the schema knows the operation is not for everyone."""

from rest_framework.permissions import BasePermission, IsAuthenticated


def role_permission(predicate, message):
    """A permission held by users for whom ``predicate`` (``coop.roles``) is true; others get a
    403 with ``message`` (lazy, so it is said in the caller's language)."""

    class RolePermission(BasePermission):
        def has_permission(self, request, view):
            return predicate(request.user)

    RolePermission.message = message
    return RolePermission


def only(predicate, message):
    """``permission_classes`` for a view only users passing ``predicate`` may use."""
    return [IsAuthenticated, role_permission(predicate, message)]

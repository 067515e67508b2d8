"""Who may see which cooperative. Deny by default: a user with no role sees none."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from coop.models import Cooperative, Role
from coop.tenancy import unscoped
from members.models import Member


def cooperative_ids_for(user):
    """The ids of the cooperatives ``user`` may enter: one query at most."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        ids = Cooperative.objects.values_list("id", flat=True)
    elif user.role == Role.REGION_SUPERVISOR:
        ids = Cooperative.objects.filter(region_id=user.region_id).values_list("id", flat=True)
    elif user.role == Role.COOP_ADMIN:
        ids = [user.cooperative_id]
    elif user.role == Role.LAB_TECHNICIAN:
        ids = Cooperative.objects.filter(institutions=user.institution_id).values_list(
            "id", flat=True
        )
    elif user.role == Role.ENTERPRISE:
        # The member's cooperative is what places the account; it is read before any scope.
        with unscoped():
            ids = list(
                Member.objects.filter(pk=user.member_id).values_list("cooperative_id", flat=True)
            )
    else:
        ids = []
    return frozenset(ids)


def is_staff_of_cooperatives(user):
    """Staff who oversee members: administrators, region supervisors, superusers."""
    return user.is_authenticated and (
        user.is_superuser or user.role in (Role.COOP_ADMIN, Role.REGION_SUPERVISOR)
    )


def may_administer(user):
    """Staff who change a cooperative's data (supervisors only read)."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.COOP_ADMIN)


def public_view(view):
    """Mark a view under ``/c/<coop_slug>/`` as open to anyone: it shows published data only."""
    view.public_cooperative_view = True
    return view


def is_public_view(view):
    return getattr(view, "public_cooperative_view", False)


def role_required(predicate):
    """Page decorator: the anonymous go to the login page, other roles get a 403."""

    def decorate(view):
        @wraps(view)
        def check(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return check

    return decorate

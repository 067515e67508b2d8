"""Who may see which cooperative. Deny by default: a user with no role sees none."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from coop.models import Cooperative, User
from coop.roles import is_administrator, is_enterprise, is_lab, is_supervisor
from coop.tenancy import unscoped


def cooperative_ids_for(user):
    """The ids of the cooperatives ``user`` may enter: one query at most."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        ids = Cooperative.objects.values_list("id", flat=True)
    elif is_supervisor(user):
        ids = Cooperative.objects.filter(region_id=user.region_id).values_list("id", flat=True)
    elif is_administrator(user):  # a superuser is served above
        ids = [user.cooperative_id]
    elif is_lab(user):
        ids = Cooperative.objects.filter(institutions=user.institution_id).values_list(
            "id", flat=True
        )
    elif is_enterprise(user):
        # The member's cooperative is what places the account; it is read before any scope,
        # through the user's own link (coop imports no app, so not from the Member model).
        with unscoped():
            ids = list(
                User.objects.filter(pk=user.pk, member__isnull=False).values_list(
                    "member__cooperative_id", flat=True
                )
            )
    else:
        ids = []
    return frozenset(ids)


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

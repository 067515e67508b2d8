from django.db.models import Q
from django.shortcuts import get_object_or_404

from coop.access import is_staff_of_cooperatives
from coop.models import Role
from members.models import Member


def members_for_user(user):
    """The members ``user`` may see within the active scope: staff all, an enterprise its own."""
    if is_staff_of_cooperatives(user):
        return Member.objects.all()
    if user.is_authenticated and user.role == Role.ENTERPRISE:
        return Member.objects.filter(pk=user.member_id)
    return Member.objects.none()


def member_for_user(user, member_id):
    """One member ``user`` may see, or a 404: a forgotten check cannot leak."""
    return get_object_or_404(members_for_user(user), pk=member_id)


def search_members(queryset, text):
    """Filter by name, USCC or town; behind one function so the search engine can change."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(name__icontains=text) | Q(uscc__icontains=text) | Q(town__icontains=text)
    )

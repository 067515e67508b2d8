"""What the brands resources share: the cooperative in the path, and the member unit a request
or report is for (an enterprise's own; staff name it)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from coop.pagination import QuerysetByIds
from coop.roles import is_enterprise
from members.models import Member

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH)


class ByIdsPagination(PageNumberPagination):
    """Ids first, then the page's rows with their joins (coop.pagination.QuerysetByIds)."""

    django_paginator_class = QuerysetByIds


def member_field():
    return serializers.PrimaryKeyRelatedField(
        queryset=Member.objects,
        required=False,
        help_text="The member unit; an enterprise account's own unit when left out.",
    )


def member_of(request, data):
    """The member unit named, or the enterprise account's own; staff must name one."""
    member = data.pop("member", None)
    if member is None and is_enterprise(request.user):
        member = request.user.member
    if member is None:
        raise serializers.ValidationError({"member": [_("Name the member unit.")]})
    return member

"""The portal's URLs plus the baseline the member list is measured against: the same page
as one .values() query with the counts as correlated subqueries, serialised by JsonResponse."""

from django.http import JsonResponse
from django.urls import path

from coop.urls import urlpatterns as portal_urls
from members.selectors import members_for_user, with_counts

FIELDS = [
    "id",
    "name",
    "kind",
    "uscc",
    "registration_number",
    "status",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "address",
    "district__division_code",
    "town",
    "scale",
    "chain_role",
    "main_products",
    "ecommerce_seller",
    "shop_links",
    "joined_on",
    "exited_on",
    "created_at",
    "quality_people_count",
    "certification_count",
]


def plain_members(request, coop_slug):
    page = with_counts(members_for_user(request.user)).values(*FIELDS)[:50]
    return JsonResponse({"results": list(page)})


urlpatterns = [
    path("bench/coops/<slug:coop_slug>/members/", plain_members),
    *portal_urls,
]

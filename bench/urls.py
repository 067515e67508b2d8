"""The portal's URLs plus the baseline the member list is measured against: the same page
as one .values() query with the counts as correlated subqueries, serialised by JsonResponse."""

from django.http import JsonResponse
from django.urls import path

from members.api.members import LIST_VALUES
from members.selectors import members_for_user, with_counts
from supervision.urls import urlpatterns as portal_urls

# The endpoint's columns, with the district's code joined in as a plain view would.
FIELDS = [name for name in LIST_VALUES if name != "district_id"] + ["district__division_code"]


def plain_members(request, coop_slug):
    page = with_counts(members_for_user(request.user)).values(*FIELDS)[:50]
    return JsonResponse({"results": list(page)})


urlpatterns = [
    path("bench/coops/<slug:coop_slug>/members/", plain_members),
    *portal_urls,
]

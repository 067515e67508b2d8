"""The portal's URLs plus the baselines the benchmarks measure against: the member list's
page as one .values() query with the counts as correlated subqueries, serialised by
JsonResponse (members_api.py); and the standards collection booklet rendered on every request,
as the public URL did before it was made once per version (public_documents.py); and a
trivial view, the floor the public pages are measured against (public_pages.py)."""

from django.http import HttpResponse, JsonResponse
from django.urls import path

from coop import documents
from coop.access import public_view
from members.api.members import LIST_VALUES
from members.selectors import members_for_user, with_counts
from standards.views import booklet_html
from supervision.urls import urlpatterns as portal_urls

# The endpoint's columns, with the district's code joined in as a plain view would.
FIELDS = [name for name in LIST_VALUES if name != "district_id"] + ["district__division_code"]


def plain_members(request, coop_slug):
    page = with_counts(members_for_user(request.user)).values(*FIELDS)[:50]
    return JsonResponse({"results": list(page)})


@public_view
def uncached_collection_pdf(request, coop_slug):
    html = booklet_html(request.cooperative)
    return HttpResponse(documents.render_pdf(html), content_type="application/pdf")


def trivial(request):
    """The floor of public_pages.py: the middleware's cost and nothing else."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/coops/<slug:coop_slug>/members/", plain_members),
    path("bench/coops/<slug:coop_slug>/collection-uncached.pdf", uncached_collection_pdf),
    *portal_urls,
]

from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve

from coop.access import cooperative_ids_for, is_public_view
from coop.models import Cooperative
from coop.tenancy import scope


class TenantScopeMiddleware:
    """Enter the cooperative scope of every request, failing closed.

    A URL with ``<coop_slug>`` is scoped to that cooperative once the user may see it (or the
    view is public); another cooperative's slug is a 404. Any other URL is scoped to every
    cooperative the user may see, which for the public is none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        visible = cooperative_ids_for(request.user)
        request.visible_cooperative_ids = visible
        request.cooperative = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            if request.path_info.startswith("/api/"):
                return not_found(request)  # the API answers JSON, even for no such address
            match = None
        slug = match.kwargs.get("coop_slug") if match else None
        if slug is None:
            ids = visible
        else:
            cooperative = Cooperative.objects.filter(slug=slug).first()
            if cooperative is None:
                return not_found(request)
            if cooperative.id in visible or is_public_view(match.func):
                ids = {cooperative.id}
            elif request.user.is_authenticated:
                return not_found(request)
            else:
                ids = set()  # anonymous on a private page: the view's login check answers
            request.cooperative = cooperative
        with scope(ids):
            return self.get_response(request)


def not_found(request):
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    raise Http404

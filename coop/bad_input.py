"""Input the portal refuses with a 400 naming it, in one place for every page and endpoint.

PostgreSQL's text cannot hold a NUL character, and UTF-8 (the database's encoding) cannot
hold a lone surrogate (which a JSON ``"\\ud800"`` escape makes). Handed to a query either one
raises deep inside the driver, a 500 wherever a view filters or saves what it was given.
``BadInputMiddleware`` refuses them in the path, the query string, a posted form (field names
and values) and the cookies before any view or the tenant scope reads them; JSON
bodies are checked by ``coop.parsers.JSONParser`` as DRF parses them. The middleware also
renders ``BadParameter`` (a year outside the range, a day count too large) raised by a page as
a 400 page naming the parameter and its rule; the API's exception handler answers it as a 400.
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from coop.errors import BadParameter

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_message():
    return _(
        "Contains a character that cannot be stored (a NUL byte or an unpaired surrogate); "
        "remove it."
    )


def shown(name):
    """A parameter's name as a message can show it, its unstorable characters escaped."""
    return UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", name) or "?"


def unstorable_in(request):
    """``{name: message}`` for every part of the request that holds an unstorable character:
    a path parameter by its name (``code`` of ``/verify/<code>/``), a query parameter, form
    field or cookie by its own."""
    message = unstorable_message()
    found = {}
    if UNSTORABLE.search(request.path_info):
        try:
            kwargs = resolve(request.path_info).kwargs
        except Resolver404:
            kwargs = {}
        names = [name for name, value in kwargs.items() if UNSTORABLE.search(str(value))]
        for name in names or ["path"]:
            found[name] = message
    sources = [request.GET, request.COOKIES]
    if request.method == "POST":
        # A form body (urlencoded or multipart; Django cleans uploaded files' names itself);
        # a JSON body leaves request.POST empty without reading it, for the API's parser.
        try:
            sources.append(request.POST)
        except MultiPartParserError:
            # A multipart body with no boundary to read it by: nothing is read, and what reads
            # the body answers for it (the API's parser with a 400 naming the body).
            pass
    for source in sources:
        for name, values in (
            source.lists() if hasattr(source, "lists") else ((k, [v]) for k, v in source.items())
        ):
            if UNSTORABLE.search(name) or any(UNSTORABLE.search(str(v)) for v in values):
                found[shown(name)] = message
    return found


def bad_request(request, errors):
    """The 400 answer naming each parameter and its rule: JSON under ``/api/``, like DRF's
    validation errors; otherwise a page, with a link back to the page without its query (or
    to the home page when the path itself was refused)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({name: [message] for name, message in errors.items()}, status=400)
    back = "/" if UNSTORABLE.search(request.path_info) else request.path
    return render(request, "400.html", {"errors": sorted(errors.items()), "back": back}, status=400)


class BadInputMiddleware:
    """Refuse unstorable characters before any view; render a page's ``BadParameter``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        errors = unstorable_in(request)
        if not errors:
            return self.get_response(request)
        cookies = [name for name in errors if name in request.COOKIES]
        if cookies:
            # A session cookie the database cannot look up: the page is drawn as for someone
            # not logged in rather than load that session, and the browser drops the cookie.
            request.user = AnonymousUser()
        response = bad_request(request, errors)
        for name in cookies:
            response.delete_cookie(name)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            errors = exception.message_dict
            return bad_request(request, {name: " ".join(said) for name, said in errors.items()})
        return None

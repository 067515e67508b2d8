"""Documents anyone may ask for without logging in (a cooperative's standards collection as a
PDF booklet or as a workbook): each is made once per version of what it shows, kept in the
shared cache (Redis when configured) and served from there, and asking for them is limited per
client address.

Why: the booklet takes about 1.4 s of a web worker to render. Made anew on every request, eight
clients asking at once held every gunicorn worker, and the home page fell from 128 to 3
requests per second.

The version is the SHA-256 of what the document is made from (the booklet's HTML, the
workbook's rows), not the newest change time of some rows: what a booklet shows depends on more
than its entries (the standards' titles and dates, a successor's date, the cooperative's name,
today's date deciding each status, the month on its cover), and a digest of the source follows
every one of them with no signal or timestamp column to forget. Reading the rows and rendering
the HTML takes milliseconds; only the PDF or XLSX, the expensive part, is kept. A version no
longer asked for leaves the cache when its time runs out. The digest is also the response's
ETag, so a browser that has the file gets a 304.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from coop import throttle
from coop.clients import client_address

# How long a version is kept after it was made: a day, so an unchanged collection is rendered
# about once a day per cooperative, and stale versions do not pile up in Redis.
KEEP_SECONDS = 24 * 3600
# While one worker makes a version the others wait for it rather than render it again, up to
# this long (a render takes 1-2 s), then answer 503 with Retry-After. The claim itself expires
# after MAKING_SECONDS, so a worker killed mid-render does not block the version for long.
WAIT_SECONDS = 5
POLL_SECONDS = 0.1
MAKING_SECONDS = 60


class Busy(Exception):
    """Another worker is still making this version."""


def cache_key(kind, version):
    return f"public-document:{kind}:{version}"


def version_of(source):
    return hashlib.sha256(source.encode()).hexdigest()


def once_per_version(kind, version, make):
    """The bytes of document ``kind`` at ``version``: from the cache, or made by ``make()``
    once, by one worker at a time (the others wait for its result)."""
    key = cache_key(kind, version)
    body = cache.get(key)
    if body is not None:
        return body
    claim = f"{key}:making"
    if cache.add(claim, 1, timeout=MAKING_SECONDS):
        try:
            body = make()
            cache.set(key, body, timeout=KEEP_SECONDS)
        finally:
            cache.delete(claim)
        return body
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        body = cache.get(key)
        if body is not None:
            return body
    raise Busy


def document_response(request, *, kind, source, make, content_type, filename, inline=False):
    """The response serving document ``kind`` made from ``source`` (text) by ``make()``."""
    version = version_of(source)
    etag = f'"{version}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        try:
            body = once_per_version(kind, version, make)
        except Busy:
            response = HttpResponse(
                _("This document is being prepared; please try again in a few seconds."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(WAIT_SECONDS)
            return response
        response = HttpResponse(body, content_type=content_type)
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["ETag"] = etag
    return response


# How long a worker remembers by itself that an address was refused, without asking Redis
# again; an address may so be refused up to this long after its window has ended.
REFUSAL_MEMORY_SECONDS = 5
REFUSALS_KEPT = 10_000
DOCUMENT_SUFFIXES = (".pdf", ".xlsx")
_refused_until = {}  # this process's memory: address -> time.monotonic() of its end


def allowed(request):
    """True while the request's client address has asked for fewer than
    ``PUBLIC_DOCUMENTS_PER_MINUTE`` public documents this minute, counted across every such URL
    and cooperative (``coop.throttle``, by ``coop.clients.client_address``)."""
    return refusal(request) is None


def refusal(request):
    """None when the request may go on, else the 429 that refuses it."""
    address = client_address(request)
    now = time.monotonic()
    if _refused_until.get(address, 0) > now:
        response = too_many(request)
        # Logged once per address and worker every few seconds (below), not at every refusal:
        # an address hammering a document would otherwise write a log line a millisecond.
        response._has_been_logged = True  # Django's own mark (django.utils.log.log_response)
        return response
    if throttle.allow(request, "public-document", settings.PUBLIC_DOCUMENTS_PER_MINUTE, 60):
        return None
    if len(_refused_until) >= REFUSALS_KEPT:
        for stale, until in list(_refused_until.items()):  # a copy: threads may add meanwhile
            if until <= now:
                _refused_until.pop(stale, None)
        if len(_refused_until) >= REFUSALS_KEPT:
            _refused_until.clear()  # a flood of addresses: forget, Redis still counts them
    _refused_until[address] = now + REFUSAL_MEMORY_SECONDS
    return too_many(request)


def too_many(request):
    with translation.override(translation.get_language_from_request(request)):
        response = HttpResponse(
            _("Too many documents asked for from your address; please try again in a minute."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = "60"
    # Refused before SecurityMiddleware runs (LimitMiddleware comes first): its one header
    # that matters for a plain-text answer.
    response["X-Content-Type-Options"] = "nosniff"
    return response


def rate_limited(view):
    """Mark a public document view as limited per client address. ``LimitMiddleware`` refuses
    a request over the limit before the sessions, the tenant scope or the database are touched;
    the view checks by itself any request that middleware did not count."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not getattr(request, "public_document_counted", False):
            if refused := refusal(request):
                return refused
        return view(request, *args, **kwargs)

    check.public_document = True
    return check


class LimitMiddleware:
    """Refuse public document requests over the limit first thing (it is the first middleware).

    Eight clients asking without pause for a document get refused a thousand times a second,
    each refusal taking a web worker: it must cost as little as it can. Here a refusal costs a
    URL resolution and, once per address every few seconds, a Redis round trip and a log line,
    where the view would first have gone through every middleware, loaded the session and
    looked up the cooperative in PostgreSQL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_public_document(request.path_info):
            if refused := refusal(request):
                return refused
            request.public_document_counted = True
        return self.get_response(request)


PATHS_KEPT = 10_000
LANGUAGES_KEPT = 100
_public_paths = {}  # this process's memory: path -> whether its view is a public document


def is_public_document(path):
    """Whether ``path`` is a rate-limited public document's address. Only an address ending as
    a document does is resolved (the tenant scope resolves every one later: the pages pay
    nothing for this), and its answer is remembered: resolving runs the URL patterns one by
    one, and a hammered address asks the same question a thousand times a second. A public
    document URL that ends otherwise is still limited, by its view."""
    if not path.endswith(DOCUMENT_SUFFIXES):
        return False
    known = _public_paths.get(path)
    if known is None:
        try:
            known = getattr(resolve(path).func, "public_document", False)
        except Resolver404:
            known = False
        if len(_public_paths) >= PATHS_KEPT:
            _public_paths.clear()  # made-up addresses flooding in: start again
        _public_paths[path] = known
    return known


class RefusalShortcut:
    """WSGI wrapper (``coop.wsgi``): an address this worker has just refused a public document
    (``REFUSAL_MEMORY_SECONDS``) is refused again before Django handles the request at all.

    Django's handler costs a refused request more than the refusal itself: the request
    signals (which check every database connection), the request object and the middleware
    chain. Asked a thousand times a second, that is the CPU the home page needs. What is
    answered here is the same 429 ``LimitMiddleware`` gives; everything else passes through.
    """

    def __init__(self, application):
        self.application = application
        self._refusals = {}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (
            _refused_until
            and path.endswith(DOCUMENT_SUFFIXES)
            and _public_paths.get(path)
            and _refused_until.get(client_address(_Environ(environ)), 0) > time.monotonic()
        ):
            headers, body = self.refusal_in(environ)
            start_response("429 Too Many Requests", headers)
            return [body]
        return self.application(environ, start_response)

    def refusal_in(self, environ):
        """The refusal's headers and body in the language the request asks for, made once per
        way of asking: choosing the language and translating cost more than all the rest."""
        asked = (environ.get("HTTP_ACCEPT_LANGUAGE", ""), environ.get("HTTP_COOKIE", ""))
        made = self._refusals.get(asked)
        if made is None:
            response = too_many(WSGIRequest(environ))
            made = (list(response.items()), response.content)
            if len(self._refusals) >= LANGUAGES_KEPT:
                self._refusals.clear()
            self._refusals[asked] = made
        return made


class _Environ:
    """What ``client_address`` reads of a request: its META."""

    def __init__(self, environ):
        self.META = environ

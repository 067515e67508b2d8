"""Public pages answered from the cache for anonymous visitors (issue 16, point 6).

``PublicCacheMiddleware`` keeps the whole response of a GET to a view marked with ``cached``
(the top floor marks the public pages and public API reads in ``supervision/urls.py``) in the
Django cache (Redis in production and tests, local memory in the SQLite demo), keyed by host,
path with query and the active language, for ``PUBLIC_CACHE_SECONDS`` at most (a safety net;
``0`` turns the cache off, as the test suite does except in tests/coop/test_public_cache.py).

Only the anonymous are served or stored: a request with a session cookie, a messages cookie
or an ``Authorization`` header goes to the view, so a logged-in user (page or token) never gets
nor leaves a cached page. A response is stored only when it is a 200 the view made without
setting a cookie or touching the session. The pages carry the language switch's form, whose CSRF
token is the visitor's own: it is stored as a placeholder and each answer from the cache gets
the visitor's token (``get_token``, which also sets the CSRF cookie as on a rendered page).

Invalidation: one generation number for every public page. Apps name the models their public
pages show in their ``AppConfig.ready()`` (``watch(Model, …)``); a save or delete of one bumps
the generation at once and again when its transaction commits (a reader between the two may
have stored the old page under the new number), and code that writes in bulk without signals
calls ``changed()``. A stored page holds the generation it was made under and is thrown away
when that is no longer the current one: the generation and the page come in one round trip. One
generation for all, not one per cooperative: the cross-cooperative pages (home, search,
registry) show every cooperative, so any change must reach them anyway, and public data changes
by staff steps a few times a day against many reads.

Browsers are told ``Cache-Control: no-cache``: they ask again each time, so a change shows on
the next visit; the speed comes from the server's cache.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from coop.signals import bulk_written

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-cache:generation"
PLACEHOLDER = b"@@public-cache-csrf@@"
TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
# Headers of the view's own; the outer middleware adds theirs (Vary, Content-Language, …) again.
KEPT_HEADERS = {"content-type", "content-disposition", "allow", "x-robots-tag", "link"}


def cached(view):
    """Mark a view as a public page (or public API read) the middleware may cache."""
    view.public_cache = True
    return view


# The models watched: a bulk write of their rows (coop.signals) bumps as a save does.
_watched = set()


def watch(*models):
    """A save or delete of any of ``models`` changes what public pages show."""
    _watched.update(models)
    for model in models:
        uid = f"public-cache-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(_on_change, sender=model, weak=False, dispatch_uid=uid + "-delete")


def _on_change(sender, **kwargs):
    changed()


def _on_bulk_write(sender, **kwargs):
    if sender in _watched:
        changed()


bulk_written.connect(_on_bulk_write, weak=False, dispatch_uid="public-cache-bulk-written")


def changed():
    """What public pages show has changed: bump now, and again when the transaction commits."""
    bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is bump for _, callback, _ in connection.run_on_commit
    ):
        return  # one bump at commit is enough for a transaction of many rows
    transaction.on_commit(bump)


def bump():
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not there yet (or evicted): any new number will do
            cache.add(GENERATION_KEY, 1, timeout=None)
            cache.incr(GENERATION_KEY)
    except Exception:  # the cache unreachable: the write stands, and no page is served from it
        logger.warning("public_cache: the generation could not be bumped", exc_info=True)


def _key(request):
    raw = "\n".join((request.get_host(), request.get_full_path(), get_language() or ""))
    return "public-cache:page:" + hashlib.sha1(raw.encode()).hexdigest()


def _anonymous(request):
    # A cookie emptied at logout, as some clients send it back, carries nothing.
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.COOKIES.get("messages")
        or request.META.get("HTTP_AUTHORIZATION")
    )


class PublicCacheMiddleware:
    """After the locale, CSRF and user middleware, before the tenant scope (whose cooperative
    look-up a page from the cache does without)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PUBLIC_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or not _anonymous(request):
            return self.get_response(request)
        if not marked(request, "public_cache"):
            return self.get_response(request)
        key = _key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                cache.add(GENERATION_KEY, 1, timeout=None)
                generation = cache.get(GENERATION_KEY)
        except Exception:  # the cache unreachable: the view answers, as without the cache
            logger.warning("public_cache: the cache could not be read", exc_info=True)
            return self.get_response(request)
        stored = found.get(key)
        if stored is not None and stored[0] == generation:
            return self.answer(request, stored)
        response = self.get_response(request)
        if self.storable(request, response):
            content = response.content
            if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                content = TOKEN.sub(rb"\1" + PLACEHOLDER + rb"\2", content)
            headers = [(k, v) for k, v in response.headers.items() if k.lower() in KEPT_HEADERS]
            try:
                cache.set(key, (generation, response.status_code, headers, content), seconds)
                response["X-Public-Cache"] = "miss"
            except Exception:
                logger.warning("public_cache: the page could not be stored", exc_info=True)
        patch_cache_control(response, no_cache=True)
        return response

    @staticmethod
    def storable(request, response):
        session = getattr(request, "session", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not (session is not None and session.modified)
            and hasattr(request, "user")
            and not request.user.is_authenticated
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def answer(request, stored):
        _, status, headers, content = stored
        response = replay(request, status, headers, content)
        response["X-Public-Cache"] = "hit"
        patch_cache_control(response, no_cache=True)
        return response


def marked(request, attribute):
    """Whether the view the request's path resolves to carries ``attribute`` (a ``cached``'s)."""
    try:
        return getattr(resolve(request.path_info).func, attribute, False)
    except Resolver404:
        return False


def replay(request, status, headers, content):
    """A stored response made again, the visitor's own CSRF token put in (also the staff
    cache's)."""
    if PLACEHOLDER in content:
        content = content.replace(PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def cache_routes(patterns, names, mark=cached):
    """Mark the views of the routes named ``names`` in ``patterns`` (nested includes too) with
    ``mark`` (this module's ``cached``, or coop.staff_cache's); a name that no route has is an
    error, so a renamed route is not left out."""
    from django.core.exceptions import ImproperlyConfigured
    from django.urls import URLResolver

    found = set()

    def walk(entries):
        for entry in entries:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)
            elif entry.name in names:
                mark(entry.callback)
                found.add(entry.name)

    walk(patterns)
    if missing := set(names) - found:
        names = ", ".join(sorted(missing))
        raise ImproperlyConfigured(f"{mark.__module__}: no route named {names}")

"""Staff lists answered from the cache while nothing they show has changed (issue 17).

A cooperative's batch, member, complaint and commitment lists, as pages and through the API,
cost 10-30 ms of Python to render (50 rows through a template or a serializer) where the
middleware alone costs about 1 ms; the same person asks for the same page many times between
two changes. ``StaffCacheStoreMiddleware`` keeps the whole response of a GET to a view marked
with ``cached`` (the top floor marks the lists in ``supervision/urls.py``) for one person in one
login, and ``StaffCacheMiddleware`` serves it again until anything in its cooperative, or
anything shared, is written.

What a stored page is keyed by: the host, the path with its query, the language, the ``Accept``
header (the API's format), the user, the login (the session's key, or the API token's), and
the day (lists mark what is overdue or expiring by the date). A page is served only while two
version numbers are those it was stored under: its cooperative's, and one for everything that
is not a cooperative's own (accounts, cooperatives, standards, institutions).

How a write is seen: not by model signals, which ``QuerySet.update()``, ``bulk_create()`` and
raw SQL (a sampling round's ``INSERT … SELECT``) do not send, but by every SQL statement the
database connections run (``connection.execute_wrappers``). An ``INSERT``, ``UPDATE`` or
``DELETE`` of a table of the portal's own apps changes the version of each cooperative in the
active tenant scope (``coop.tenancy``: a request or a task of one cooperative) when the table
is a tenant table, and the shared version otherwise, or when the scope is off or wide (a
superuser's, a migration's, a region-wide task's), which throws every stored page away. Like
the public cache, the version changes at the write and again when its transaction commits (a
reader in between may have stored the old page under the new number). Tables that copy
others and are written while reading (``ignore``: the dashboard's kept figures) change nothing.

A page from the cache skips the tenant scope's look-up as well as the view: whether this login
may see this cooperative was decided when the page was stored, and it changes only by a write
(the account, the cooperative, a lab's cooperatives), which changes the versions; a login that
ended (logout, password change, an expired token) is no longer authenticated and gets the view.

What is never stored: a response other than a 200, one that sets a cookie or changes the
session, a page with messages waiting (a step's "done" or "refused" shows once, from the view),
and anything while the cache is unreachable (the view answers). The CSRF token in a page's forms
is stored as a placeholder and each answer gets the person's current token, as the public
cache does. ``STAFF_CACHE_SECONDS`` bounds how long a page lives (a safety net if a version
change is lost with the cache); 0 turns the cache off, as the test suite does except in
tests/coop/test_staff_cache.py.
"""

import hashlib
import logging
import re
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils.translation import get_language

from coop.public_cache import PLACEHOLDER, TOKEN, marked, replay
from coop.tenancy import ALL, active_scope

logger = logging.getLogger(__name__)

PREFIX = "staff-cache:"
SHARED = PREFIX + "v:shared"
# A scope wider than this is a region's or a superuser's: its writes change the shared version
# rather than a version per cooperative.
WIDEST_SCOPE = 20
# The first word tells a write; the table follows it as Django and the services write it.
WRITE = re.compile(
    r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"?(\w+)',
    re.IGNORECASE,
)
WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
# Headers of the view's own; the outer middleware adds theirs again.
KEPT_HEADERS = {"content-type", "content-disposition", "allow", "vary", "link", "cache-control"}


def cached(view):
    """Mark a staff list view (page or API) the middleware may keep per person."""
    view.staff_cache = True
    return view


def cache_routes(patterns, names):
    """Mark the views of the routes named ``names`` as ``cached`` (see public_cache)."""
    from coop.public_cache import cache_routes as mark

    mark(patterns, names, cached)


# -- what a write changes --------------------------------------------------------------------

_ignored = set()
_tables = None  # {table: True for a tenant table, False for another of the portal's}


def ignore(*models):
    """Rows of ``models`` are copies kept for reading: writing them changes no staff list."""
    global _tables
    _ignored.update(model._meta.db_table for model in models)
    _tables = None


def _portal_tables():
    global _tables
    if _tables is None:
        from django.apps import apps

        from coop.models import TenantModel

        base = Path(settings.BASE_DIR).resolve()
        tables = {}
        for config in apps.get_app_configs():
            path = Path(config.path).resolve()
            if not path.is_relative_to(base) or "site-packages" in path.parts:
                continue  # Django's and the libraries' tables: sessions, tokens, lockouts
            for model in config.get_models(include_auto_created=True):
                table = model._meta.db_table
                if table not in _ignored:
                    tables[table] = issubclass(model, TenantModel)
        _tables = tables
    return _tables


def versions_written(sql):
    """The version keys a statement changes: its cooperatives', the shared one, or none."""
    upper = sql.upper()  # a plain search first: the pattern costs some 0.1 ms on a long SELECT
    if not any(word in upper for word in WRITE_WORDS):
        return set()
    names = WRITE.findall(sql)
    if not names:
        return set()
    tables = _portal_tables()
    written = [tables[name] for name in names if name in tables]
    if not written:
        return set()
    ids = active_scope()
    if all(written) and ids is not None and ids is not ALL and 0 < len(ids) <= WIDEST_SCOPE:
        return {version_key(cooperative_id) for cooperative_id in ids}
    return {SHARED}


def version_key(cooperative_id):
    return f"{PREFIX}v:{cooperative_id}"


class _BumpAtCommit:
    """The versions a transaction changed, changed again when it commits."""

    def __init__(self, connection):
        self.connection = connection
        self.keys = set()
        self.hooks = None

    def __call__(self):
        if getattr(self.connection, "staff_cache_bump", None) is self:
            self.connection.staff_cache_bump = None
        bump(self.keys)


def _notice_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if settings.STAFF_CACHE_SECONDS and isinstance(sql, str):
        keys = versions_written(sql)
        if keys:
            _changed(context["connection"], keys)
    return result


def _changed(connection, keys):
    if not connection.in_atomic_block:
        bump(keys)  # committed already
        return
    pending = getattr(connection, "staff_cache_bump", None)
    # A commit or a rollback (of the transaction or of a savepoint) replaces the list of
    # callbacks: a bump registered on an earlier list may be gone, so register a new one.
    if pending is None or pending.hooks is not connection.run_on_commit:
        pending = connection.staff_cache_bump = _BumpAtCommit(connection)
        connection.on_commit(pending)
        pending.hooks = connection.run_on_commit
    new = keys - pending.keys
    if new:
        pending.keys |= new
        bump(new)


def bump(keys):
    """Give each version a new value (a stored page under the old one is not served again)."""
    if not keys:
        return
    value = uuid.uuid4().hex
    try:
        cache.set_many({key: value for key in keys}, timeout=None)
    except Exception:  # the cache unreachable: the write stands; STAFF_CACHE_SECONDS bounds
        logger.warning("staff_cache: the versions could not be changed", exc_info=True)


def install(sender=None, connection=None, **kwargs):
    """``connection_created``: follow the writes of every database connection, once each."""
    targets = [connection] if connection is not None else connections.all()
    for each in targets:
        if _notice_writes not in each.execute_wrappers:
            each.execute_wrappers.insert(0, _notice_writes)


# -- the middlewares -------------------------------------------------------------------------


def _key(request):
    token = getattr(request, "token_authentication", None)
    login = token[1].token_key if token else request.session.session_key
    raw = "\n".join(
        (
            request.get_host(),
            request.get_full_path(),
            get_language() or "",
            request.META.get("HTTP_ACCEPT", ""),
            str(request.user.pk),
            login or "",
            date.today().isoformat(),
        )
    )
    return PREFIX + "page:" + hashlib.sha1(raw.encode()).hexdigest()


def _messages_waiting(request):
    """Messages for the next page, in their cookie or the session (Django's fallback storage),
    before the messages middleware has read them."""
    return bool(request.COOKIES.get("messages")) or "_messages" in request.session


class StaffCacheMiddleware:
    """Serves a stored list. Before the tenant scope: a page from the cache skips its
    cooperative look-up as well as the view, because what that look-up decides (this login may
    see this cooperative) is part of what the page shows and changes only by a write (the
    account, the cooperative, a lab's cooperatives), which changes the versions. The page was
    stored only after the scope and the view let this person, in this login, see it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.STAFF_CACHE_SECONDS
            or request.method != "GET"
            or not request.user.is_authenticated
            or not (getattr(request, "token_authentication", None) or request.session.session_key)
            or _messages_waiting(request)
        ):
            return self.get_response(request)
        if not marked(request, "staff_cache"):
            return self.get_response(request)
        key = _key(request)
        try:
            found = cache.get_many([SHARED, key])
            stored = found.get(key)
            if stored is not None and stored[0] == found.get(SHARED):
                if cache.get(version_key(stored[1])) == stored[2]:
                    return self.answer(request, stored)
        except Exception:  # the cache unreachable: the view answers, as without the cache
            logger.warning("staff_cache: the cache could not be read", exc_info=True)
            return self.get_response(request)
        request.staff_cache_key = key  # for StaffCacheStoreMiddleware, inside the scope
        return self.get_response(request)

    @staticmethod
    def answer(request, stored):
        _, _, _, status, headers, content = stored
        response = replay(request, status, headers, content)
        response["X-Staff-Cache"] = "hit"
        return response


class StaffCacheStoreMiddleware:
    """Stores a list the view made. Inside the tenant scope and after the messages: the
    versions are read before the view (a write during its rendering leaves the page stored
    under a version already gone), the page stored after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = getattr(request, "staff_cache_key", None)
        cooperative = getattr(request, "cooperative", None)
        if key is None or cooperative is None:
            return self.get_response(request)
        names = [SHARED, version_key(cooperative.id)]
        try:
            found = cache.get_many(names)
            missing = [name for name in names if name not in found]
            if missing:
                for name in missing:
                    cache.add(name, uuid.uuid4().hex, timeout=None)
                found.update(cache.get_many(missing))
        except Exception:
            logger.warning("staff_cache: the cache could not be read", exc_info=True)
            return self.get_response(request)
        response = self.get_response(request)
        if None not in found.values() and self.storable(request, response):
            content = TOKEN.sub(rb"\1" + PLACEHOLDER + rb"\2", response.content)
            headers = [(k, v) for k, v in response.headers.items() if k.lower() in KEPT_HEADERS]
            stored = (found[SHARED], cooperative.id, found[names[1]])
            try:
                cache.set(
                    key,
                    (*stored, response.status_code, headers, content),
                    settings.STAFF_CACHE_SECONDS,
                )
                response["X-Staff-Cache"] = "miss"
            except Exception:
                logger.warning("staff_cache: the page could not be stored", exc_info=True)
        return response

    @staticmethod
    def storable(request, response):
        messages = getattr(request, "_messages", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.session.modified
            and not (messages is not None and (messages.used or messages._queued_messages))
            and "no-store" not in response.get("Cache-Control", "")
        )

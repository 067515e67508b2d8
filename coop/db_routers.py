"""Reads of the public pages and the statistics on a PostgreSQL read replica (issue 17, point 5).

Opt-in: with ``DATABASE_REPLICA_URL`` set, the settings add a second database, ``replica``,
this router and ``ReplicaReadsMiddleware``; without it nothing here is used and every query
goes to ``default`` as before.

What goes to the replica is chosen by the request, not by the model: a GET or HEAD to a view
marked as a public page or public API read (``coop.public_cache.cached``: the same list the
public cache keeps) or named in ``settings.REPLICA_READ_VIEWS`` (statistics). Everything else
stays on the primary, so a member of staff who has just taken a step reads their own write on
the next page (a replica some milliseconds behind would show the record as it was). Within
those requests, too, these stay on the primary:

- any read inside a transaction (``atomic``), where the view is about to write from what it
  read, and every write;
- who the visitor is: sessions, users, API tokens and login attempts, read by the middleware
  and lazily by views (a login the replica has not seen yet would log the visitor out).

The public cache keeps a page for ``PUBLIC_CACHE_SECONDS`` under the generation current when
it was made: a page read from a replica behind the change that bumped the generation would
stay stale until the next change. Run the replica with ``synchronous_commit = remote_apply``
(README, "When one machine is not enough"), or shorten ``PUBLIC_CACHE_SECONDS``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Who the visitor is, read on every request, and the schedule beat reads: always the primary.
IDENTITY = {"sessions", "auth", "axes", "knox", "contenttypes", "django_celery_beat"}
IDENTITY_MODELS = {"coop.user"}

_on_replica = ContextVar("reads_on_replica", default=False)


@contextmanager
def reads_on_replica():
    """Send this block's reads to the replica (the router decides each one)."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def routed(model):
    meta = model._meta
    return meta.app_label not in IDENTITY and meta.label_lower not in IDENTITY_MODELS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _on_replica.get()
            and routed(model)
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None  # the primary

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both: an object read from the replica may point at one from the
        # primary (a member read for a public page, its cooperative from the scope).
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # the replica is a copy of the primary: never migrated itself


def reads_replica(request, view):
    if request.method not in ("GET", "HEAD"):
        return False
    if getattr(view, "public_cache", False):
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in settings.REPLICA_READ_VIEWS


class ReplicaReadsMiddleware:
    """The view of a public page or of the statistics reads from the replica; the middleware
    before it (session, user, cooperative look-up) and what it writes stay on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _on_replica.reset(token)

    def process_view(self, request, view, args, kwargs):
        if reads_replica(request, view):
            request._replica_token = _on_replica.set(True)
        return None

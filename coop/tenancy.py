"""Row-level tenancy that fails closed.

Every tenant-owned model inherits ``coop.models.TenantModel``: it carries a non-null, indexed
``cooperative`` and its default manager refuses to query until a scope is active. Requests
enter a scope in ``coop.middleware.TenantScopeMiddleware``; Celery tasks enter one through
``coop.celery.tenant_task``; management commands and migrations say ``unscoped()`` on purpose.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

# None: no scope entered (queries raise); ALL: scoping deliberately switched off;
# otherwise a frozenset of the cooperative ids the current work may touch.
ALL = object()
_active_scope = ContextVar("cooperative_scope", default=None)


class ScopeError(RuntimeError):
    """A tenant-owned model was queried without a cooperative scope."""


@contextmanager
def scope(cooperative_ids):
    """Limit tenant-owned queries to the given cooperative ids (an empty set sees nothing)."""
    token = _active_scope.set(frozenset(cooperative_ids))
    try:
        yield
    finally:
        _active_scope.reset(token)


@contextmanager
def unscoped():
    """Switch scoping off: for migrations, demo data and reviewed region-wide statistics."""
    token = _active_scope.set(ALL)
    try:
        yield
    finally:
        _active_scope.reset(token)


def active_scope():
    """The ids in scope, ``ALL`` when scoping is off, or ``None`` outside any scope."""
    return _active_scope.get()


class ScopedQuerySet(models.QuerySet):
    pass


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Default manager of tenant-owned models: filters by the active scope, raises without one."""

    def get_queryset(self):
        ids = active_scope()
        queryset = super().get_queryset()
        if ids is None:
            raise ScopeError(
                f"{self.model.__name__} is tenant-owned: query it inside tenancy.scope() "
                "or tenancy.unscoped()."
            )
        if ids is ALL:
            return queryset
        return queryset.filter(cooperative_id__in=ids)

"""A fixed-window limit per client address for public forms, counted in the shared cache
(Redis when configured), so every web worker sees the same count."""

from django.core.cache import cache

from coop.clients import client_address


def allow(request, action, limit, seconds):
    """True while this address has done ``action`` fewer than ``limit`` times in the window."""
    key = f"throttle:{action}:{client_address(request)}"
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window ran out between add and incr
        cache.set(key, 1, timeout=seconds)
        return True

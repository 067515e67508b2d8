"""A fixed-window limit per client address for public forms, counted in the shared cache
(Redis when configured), so every web worker sees the same count."""

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    # Behind a reverse proxy REMOTE_ADDR is the proxy's; the client's comes in
    # X-Forwarded-For, trusted only when the deployment says a proxy sets it (a client
    # could otherwise send any address and never be limited).
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def allow(request, action, limit, seconds):
    """True while this address has done ``action`` fewer than ``limit`` times in the window."""
    key = f"throttle:{action}:{client_address(request)}"
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window ran out between add and incr
        cache.set(key, 1, timeout=seconds)
        return True

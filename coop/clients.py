"""The address of the client a request comes from, the one every limit counts by.

Behind reverse proxies ``REMOTE_ADDR`` is the nearest proxy's address. Each proxy appends the
address it saw to ``X-Forwarded-For``, so only the last ``TRUSTED_PROXY_COUNT`` entries were
written by proxies of ours: anything to their left the client wrote and may have forged. The
client's address is therefore the N-th entry from the right, never the first one.

With ``TRUSTED_PROXY_COUNT = 0`` (the default) nothing in ``X-Forwarded-For`` is believed and
the address is ``REMOTE_ADDR``. DRF's throttles read the same setting as ``NUM_PROXIES`` and pick
the same entry; the public forms' limits (``coop.throttle``) and the login limits (django-axes,
``AXES_CLIENT_IP_CALLABLE``) call ``client_address`` itself.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's address as the outermost trusted proxy saw it (``REMOTE_ADDR`` when no
    proxy is trusted, when the header is absent, or when the chosen entry is not an address)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if trusted <= 0 or not forwarded:
        return remote
    entries = forwarded.split(",")
    # Fewer entries than trusted proxies: the leftmost was still written by one of them (the
    # request entered below the outermost), as DRF's NUM_PROXIES reads it.
    chosen = entries[-min(trusted, len(entries))].strip()
    try:
        ipaddress.ip_address(chosen)
    except ValueError:
        # A proxy that wrote something else (a name, "unknown") is misconfigured; its peer is
        # still the one address known for sure, and a non-address must not reach the login
        # records' address column.
        return remote
    return chosen

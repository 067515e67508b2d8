"""Token authentication, done once per request before the tenant scope is chosen.

Tokens are django-rest-knox's: one per login, stored only as a hash, with an expiry
(``REST_KNOX["TOKEN_TTL"]``); the logout endpoints, a logout from the pages and a password change
delete them (``coop.tokens``). The header keeps DRF's form, ``Authorization: Token …``.

DRF authenticates inside the view, after middleware, but the scope middleware must know the
user first. ``TokenUserMiddleware`` checks the token; DRF's class reuses that answer.
"""

import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework.exceptions import AuthenticationFailed

# What knox hands out: an optional prefix and hexadecimal digits. Anything else is refused
# before the lookup, so a NUL byte or a non-UTF-8 header is a 401, not a database error.
TOKEN_FORM = re.compile(rb"[!-~]{0,%d}[0-9a-f]+" % CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH)


class CheckedTokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token):
        longest = CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + knox_settings.AUTH_TOKEN_CHARACTER_LENGTH
        if len(token) > longest or not TOKEN_FORM.fullmatch(token):
            raise AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token):
        """An expired token is deleted and refused. Knox would also sweep the account's other
        expired tokens here, one more query on every request; a login sweeps them instead
        (``coop.tokens.TokenLoginView``)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class TokenAuthentication(CheckedTokenAuthentication):
    def authenticate(self, request):
        checked = getattr(request._request, "token_authentication", None)
        return checked or super().authenticate(request)


class TokenUserMiddleware:
    """Set ``request.user`` from an ``Authorization: Token …`` header.

    A bad or expired token leaves the user anonymous; DRF's authentication then answers 401 with
    its reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.authentication = CheckedTokenAuthentication()

    def __call__(self, request):
        keyword = knox_settings.AUTH_HEADER_PREFIX.lower()
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.lower().startswith(f"{keyword} "):
            try:
                request.token_authentication = self.authentication.authenticate(request)
            except AuthenticationFailed:
                request.token_authentication = None
            if request.token_authentication:
                request.user = request.token_authentication[0]
        return self.get_response(request)

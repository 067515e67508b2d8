"""Token authentication, done once per request before the tenant scope is chosen.

DRF authenticates inside the view, after middleware, but the scope middleware must know the
user first. ``TokenUserMiddleware`` checks the token; DRF's class reuses that answer.
"""

from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        checked = getattr(request._request, "token_authentication", None)
        return checked or super().authenticate(request)


class TokenUserMiddleware:
    """Set ``request.user`` from an ``Authorization: Token …`` header.

    A bad token leaves the user anonymous; DRF's authentication then answers 401 with its reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.authentication = authentication.TokenAuthentication()

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith(f"{self.authentication.keyword} "):
            try:
                request.token_authentication = self.authentication.authenticate(request)
            except AuthenticationFailed:
                request.token_authentication = None
            if request.token_authentication:
                request.user = request.token_authentication[0]
        return self.get_response(request)

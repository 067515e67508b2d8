"""API tokens (django-rest-knox): a new one at every login, dead at its expiry, at an API logout,
at a logout from the pages and when the password changes.

- ``POST /api/v1/auth/token/`` with ``{"username", "password"}`` answers ``{"token", "expiry"}``.
  The password is checked by ``django.contrib.auth.authenticate`` with the request, so django-axes
  counts the failures here as on the login page, and refuses a locked account or address (429).
- ``POST /api/v1/auth/logout/`` deletes the token it is sent with; ``…/auth/logout-all/`` every
  token of the caller.
- Knox keeps only a hash of each token, so a database dump holds no usable token.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from knox.views import LoginView, LogoutAllView, LogoutView
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.settings import api_settings

from coop.authentication import TokenAuthentication
from coop.models import User


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"), max_length=150)
    password = serializers.CharField(
        label=_("password"), max_length=4096, trim_whitespace=False, write_only=True
    )


TOKEN_ANSWER = inline_serializer(
    "ApiToken", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)
LOCKED_OUT = OpenApiResponse(
    inline_serializer("LockedOut", {"detail": serializers.CharField()}),
    description="Too many failed logins for this account or address: wait (Retry-After, in "
    "seconds) or ask staff to unlock it.",
)


class TokenLoginView(LoginView):
    """Exchange a username and password for a new token and its expiry."""

    # The credentials are in the body: a session or an old token says nothing about them.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=CredentialsSerializer,
        # 400 (a field, or credentials that match no active account) comes from the portal's
        # schema class like every operation's errors; a lockout is this endpoint's own.
        responses={200: TOKEN_ANSWER, 429: LOCKED_OUT},
    )
    def post(self, request, format=None):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # The HttpRequest, not DRF's wrapper: django-axes marks a locked-out request on it and
        # its middleware turns that mark into the 429 of coop.logins.lockout_response.
        user = authenticate(request._request, **credentials.validated_data)
        if user is None:
            raise ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        _("The username and password do not match an active account.")
                    ]
                }
            )
        request.user = user
        return super().post(request, format)

    def create_token(self):
        # The account's expired tokens go here, once per login, rather than at every request.
        AuthToken.objects.filter(user=self.request.user, expiry__lt=timezone.now()).delete()
        return super().create_token()


class TokenLogoutView(LogoutView):
    """Delete the token this request is sent with."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class TokenLogoutAllView(LogoutAllView):
    """Delete every token of the caller (every device it logged in from)."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


@receiver(user_logged_out)
def revoke_tokens_at_page_logout(sender, request, user, **kwargs):
    """A logout from the pages or the admin ends the account's API tokens too. The API's own
    logout views (given DRF's Request) delete what they mean to: one token, or all."""
    if user is not None and not isinstance(request, Request):
        AuthToken.objects.filter(user=user).delete()


@receiver(pre_save, sender=User)
def note_a_new_password(sender, instance, raw=False, update_fields=None, **kwargs):
    # Compared with what is stored, so every way of changing it counts: the password pages,
    # the admin, set_unusable_password, a script. (A hash upgraded at login counts too; that
    # happens once per hasher change.)
    instance._password_replaced = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_replaced = stored is not None and stored != instance.password


@receiver(post_save, sender=User)
def revoke_tokens_after_password_change(sender, instance, raw=False, **kwargs):
    """A new password ends every API token of the account, as it ends its other sessions."""
    if getattr(instance, "_password_replaced", False):
        instance._password_replaced = False
        AuthToken.objects.filter(user=instance).delete()

"""API token lifetime, revocation and the login log of the API.

A token (DRF's, one per login) lives ``WENMING_API_TOKEN_DAYS`` (default 30) from its last use:
each use moves its ``created`` time forward (at most once every ``RENEW_EVERY``, so a busy client
does not write on every request), and an unused token expires. An expired token is deleted when
it is next presented (401, code ``token_expired``) or when its user asks for a new one.

Logins and logouts of every kind land in django-axes' ``AccessLog`` (后台 › Axes › 访问日志): the
login page and the admin through Django's login signals, the API here: getting a token is a
login (``path_info`` /api/auth/token/), revoking the tokens ends those logins (``logout_time``).
Wrong passwords are axes' ``AccessFailureLog`` rows.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessLog
from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from core.client_ip import client_ip_address

RENEW_EVERY = dt.timedelta(hours=1)
TOKEN_PATH = "/api/auth/token/"  # noqa: S105 - a URL path, not a secret


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.WENMING_API_TOKEN_DAYS)


def token_expired(token: Token, *, now: dt.datetime | None = None) -> bool:
    return token.created <= (now or timezone.now()) - token_lifetime()


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = _("令牌已过期，请重新获取。")
    default_code = "token_expired"


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` that expires ``WENMING_API_TOKEN_DAYS`` after last use."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        now = timezone.now()
        if token_expired(token, now=now):
            Token.objects.filter(pk=token.pk).delete()
            raise TokenExpired()
        if token.created <= now - RENEW_EVERY:
            # Conditional on the old value: concurrent requests renew it once.
            Token.objects.filter(pk=token.pk, created=token.created).update(created=now)
        return user, token


def _log_request(request) -> dict:
    meta = request.META
    return {
        "ip_address": client_ip_address(request),
        "user_agent": meta.get("HTTP_USER_AGENT", "")[:255],
        "http_accept": meta.get("HTTP_ACCEPT", "")[:1025],
        "path_info": meta.get("PATH_INFO", "")[:255],
    }


@transaction.atomic
def api_token_issue(*, user, request) -> Token:
    """The user's token for ``POST /api/auth/token/`` (credentials already checked): the live
    one renewed, or a new one when there is none or it expired. Logs the login."""
    now = timezone.now()
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expired(token, now=now):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    else:
        Token.objects.filter(pk=token.pk).update(created=now)
    AccessLog.objects.create(
        username=user.get_username(), attempt_time=now, **_log_request(request)
    )
    update_last_login(None, user)
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user) -> int:
    """Delete every API token of ``user`` (clients must log in again); return how many. Ends
    the user's open API logins in the log."""
    count, _deleted = Token.objects.filter(user=user).delete()
    now = timezone.now()
    AccessLog.objects.filter(
        username=user.get_username(), path_info=TOKEN_PATH, logout_time__isnull=True
    ).update(logout_time=now)
    return count

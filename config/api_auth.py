"""``POST /api/auth/token/``: trade a username and password for an API token.

Clients then send ``Authorization: Token <token>``. The token is DRF's (one per login, kept
until an admin deletes it). Rate-limited per client address so passwords cannot be guessed at
speed.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle

from core.errors import error_body
from core.openapi import error_response

# DRF's own message as the endpoint sends it, translated by DRF's catalogue (the alias keeps
# makemessages from copying this English msgid into ours).
drf_message = _
UNABLE_TO_LOG_IN = drf_message("Unable to log in with provided credentials.")


class TokenSerializer(serializers.Serializer):
    """API 令牌。"""

    token = serializers.CharField(help_text=_("之后的请求带上请求头 Authorization: Token <token>"))


class TokenObtainSerializer(AuthTokenSerializer):
    """用户名和密码。"""


class TokenView(ObtainAuthToken):
    serializer_class = AuthTokenSerializer
    permission_classes = [AllowAny]
    # Token and session authentication both off: a stale token must not block getting a new one.
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        summary=_("获取 API 令牌"),
        description=_("用用户名和密码换取令牌；用户名或密码错误时返回 400。"),
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: error_response(
                400,
                example=error_body(
                    UNABLE_TO_LOG_IN, "invalid", {"non_field_errors": [UNABLE_TO_LOG_IN]}
                ),
            ),
            429: error_response(429),
        },
        auth=[],
        examples=[
            OpenApiExample(
                "login",
                value={"username": "head-tuanjie", "password": "••••••••"},
                request_only=True,
            ),
            OpenApiExample(
                "token",
                value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                response_only=True,
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

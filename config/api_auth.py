"""``POST /api/auth/token/``: trade a username and password for an API token.

Clients then send ``Authorization: Token <token>``. The token is DRF's (one per login), valid
for ``WENMING_API_TOKEN_DAYS`` after its last use (``core.api_tokens``);
``POST /api/auth/token/revoke-all/`` deletes the caller's tokens. Wrong
passwords count towards the same lockout as the login page and the admin (django-axes: per
username and per client address, with a cool-off); on top of that the endpoint is rate-limited
per client address (``core.client_ip``: ``X-Forwarded-For`` only from trusted proxies).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.lockout import LOCKED_OUT_CODE, LOCKED_OUT_EXAMPLE, cooloff_minutes, locked_out_message
from core.api_tokens import api_token_issue, api_tokens_revoke_all
from core.client_ip import client_ip
from core.errors import error_body
from core.openapi import error_response

# DRF's own message as the endpoint sends it, translated by DRF's catalogue (the alias keeps
# makemessages from copying this English msgid into ours).
drf_message = _
UNABLE_TO_LOG_IN = drf_message("Unable to log in with provided credentials.")


class ClientIPScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, keyed by ``core.client_ip`` instead of DRF's own reading of
    ``X-Forwarded-For`` (which believes any client)."""

    def get_ident(self, request):
        return client_ip(request)


class LockedOut(exceptions.APIException):
    status_code = 429
    default_code = LOCKED_OUT_CODE

    def __init__(self):
        super().__init__(detail=locked_out_message(), code=LOCKED_OUT_CODE)
        self.wait = cooloff_minutes() * 60  # the exception handler sends it as Retry-After


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
    throttle_classes = [ClientIPScopedRateThrottle]
    throttle_scope = "auth_token"
    # ObtainAuthToken names DRF's own parsers; ours answers 400 to JSON nested too deeply.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        summary=_("获取 API 令牌"),
        description=_(
            "用用户名和密码换取令牌；用户名或密码错误时返回 400。同一用户名或同一地址连续输错"
            "密码达到上限后，暂停登录一段时间（429，code 为 locked_out），时间到了自动恢复；"
            "网页登录和后台登录共用这一规则。令牌在最后一次使用 WENMING_API_TOKEN_DAYS 天"
            "（默认 30 天）后过期，每次使用自动续期。"
        ),
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: error_response(
                400,
                example=error_body(
                    UNABLE_TO_LOG_IN, "invalid", {"non_field_errors": [UNABLE_TO_LOG_IN]}
                ),
            ),
            429: error_response(
                429, example=error_body(LOCKED_OUT_EXAMPLE % {"minutes": 15}, LOCKED_OUT_CODE)
            ),
        },
        auth=[],
        examples=[
            OpenApiExample(
                "login",
                value={"username": "head-tuanjie", "password": "tuanjie-2026"},
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
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        # Axes marks the request when it refused the attempt (or this failure reached the limit).
        if getattr(request, "axes_locked_out", False):
            raise LockedOut()
        if not valid:
            raise exceptions.ValidationError(serializer.errors)
        token = api_token_issue(user=serializer.validated_data["user"], request=request)
        return Response({"token": token.key})


class RevokedSerializer(serializers.Serializer):
    """吊销结果。"""

    revoked = serializers.IntegerField(help_text=_("删除的令牌数。"))


class RevokeAllView(APIView):
    """``POST /api/auth/token/revoke-all/``: the caller's own tokens, all of them, now."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_token_revoke_all",
        tags=["auth"],
        summary=_("吊销自己的全部 API 令牌"),
        description=_(
            "删除当前用户的全部 API 令牌（例如手机丢失后）；之后每个客户端都要重新获取令牌。"
            "令牌在最后一次使用 WENMING_API_TOKEN_DAYS 天（默认 30 天）后自动过期，过期的令牌"
            "返回 401，code 为 token_expired。"
        ),
        request=None,
        responses={200: RevokedSerializer},
        examples=[OpenApiExample("revoked", value={"revoked": 1}, response_only=True)],
    )
    def post(self, request, *args, **kwargs):
        return Response({"revoked": api_tokens_revoke_all(user=request.user)})

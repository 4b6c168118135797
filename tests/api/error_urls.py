"""A URLconf for tests/api/test_errors.py: views that fail in each way a service can fail."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import include, path
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.errors import InvalidInput, InvalidTransition, NotInScope, PermissionDenied


def _view(exc, permission=AllowAny):
    class FailingView(APIView):
        permission_classes = [permission]

        def get(self, request):
            raise exc

        def post(self, request):
            raise exc

    return FailingView.as_view()


class OncePerMinute(AnonRateThrottle):
    scope = "test_once"

    def get_rate(self):
        return "1/min"


class Throttled(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [OncePerMinute]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path(
        "api/test/field-error/",
        _view(DjangoValidationError({"phone": ["手机号码格式不正确。"]})),
    ),
    path("api/test/plain-error/", _view(DjangoValidationError("不能给自己派单。"))),
    path("api/test/domain-invalid/", _view(InvalidInput(fields={"hours": ["时长必须大于零。"]}))),
    path("api/test/domain-scope/", _view(NotInScope())),
    path("api/test/domain-forbidden/", _view(PermissionDenied())),
    path("api/test/domain-conflict/", _view(InvalidTransition())),
    path("api/test/http404/", _view(Http404("secret detail"))),
    path("api/test/django-denied/", _view(DjangoPermissionDenied())),
    path("api/test/login-required/", _view(exceptions.ValidationError(), IsAuthenticated)),
    path("api/test/throttled/", Throttled.as_view()),
    path("", include("config.urls")),
]

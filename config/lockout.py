"""What a locked-out login sees (django-axes' ``AXES_LOCKOUT_CALLABLE``).

The login page and the admin get a page saying when to try again; ``POST /api/auth/token/``
gets the API's error shape with code ``locked_out``. Both answer 429 with ``Retry-After``.
"""

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import error_body

LOCKED_OUT_CODE = "locked_out"


def cooloff_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out_message() -> str:
    return _("登录失败次数过多，请 %(minutes)s 分钟后再试。") % {"minutes": cooloff_minutes()}


# For the OpenAPI example (rendered in the schema's language).
LOCKED_OUT_EXAMPLE = gettext_lazy("登录失败次数过多，请 %(minutes)s 分钟后再试。")


def lockout_response(request, original_response=None, credentials=None):
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        body = error_body(locked_out_message(), LOCKED_OUT_CODE)
        response = JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        context = {"message": locked_out_message()}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = retry_after
    return response

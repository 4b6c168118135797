"""GeoReport v2's plumbing around every Open311 view: the method check, the partner's API key,
the rate limit, the error format (``Refused`` becomes the specification's list of ``{code,
description}``), and reading a parameter the way the specification sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.client_ip import client_ip
from open311 import formats, selectors, services
from open311.models import Partner
from orders import ratelimit

KEY_SCOPE = "open311_key"
IP_SCOPE = "open311_ip"


class Refused(Exception):
    """A request refused with ``status`` and one description per problem."""

    def __init__(self, status: int, *descriptions: str):
        self.status = status
        self.descriptions = descriptions or (_("请求无效。"),)
        super().__init__(*self.descriptions)


def endpoint(*methods: str, keyed: bool) -> Callable:
    """Method check, API key (``keyed``), rate limit and the error format around a view.

    The view is called as ``view(request, fmt, partner, **kwargs)``; it returns a response or
    raises ``Refused``.
    """

    def decorate(view):
        @csrf_exempt  # a partner authenticates with its key, never with a browser's cookie
        @wraps(view)
        def wrapper(request, fmt: str, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    response = formats.errors(fmt, 405, _("不支持此请求方法。"))
                    response["Allow"] = ", ".join(methods)
                    return response
                partner = _partner(request) if keyed else None
                ident = f"partner:{partner.pk}" if partner else client_ip(request)
                wait = ratelimit.hit(KEY_SCOPE if partner else IP_SCOPE, ident)
                if wait:
                    response = formats.errors(
                        fmt, 429, _("请求太频繁，请 %(n)d 秒后再试。") % {"n": wait}
                    )
                    response["Retry-After"] = str(wait)
                    return response
                return view(request, fmt, partner, **kwargs)
            except Refused as exc:
                return formats.errors(fmt, exc.status, *exc.descriptions)

        return wrapper

    return decorate


def param(request, name: str, *, limit: int = 200) -> str:
    """One parameter from the form body (POST) or the query string; a repeated one is refused
    (GeoReport lists are comma-delimited)."""
    source = request.POST if request.method == "POST" else request.GET
    values = source.getlist(name)
    if len(values) > 1:
        raise Refused(400, _("参数 %(name)s 只能出现一次。") % {"name": name})
    value = (values[0] if values else "").strip()
    if len(value) > limit:
        raise Refused(400, _("参数 %(name)s 过长。") % {"name": name})
    return value


def _partner(request) -> Partner:
    key = request.POST.get("api_key") if request.method == "POST" else None
    partner = services.partner_for_key(key or request.GET.get("api_key"))
    if partner is None:
        raise Refused(403, _("api_key 缺失、无效或已撤销，请向市新时代文明实践中心申请。"))
    return partner


def jurisdiction(request, *, required: bool, missing: int = 404):
    code = param(request, "jurisdiction_id", limit=50)
    if not code:
        if required:
            raise Refused(400, _("请提供 jurisdiction_id（村、社区的区划代码）。"))
        return None
    village = selectors.village_by_code(code)
    if village is None:
        raise Refused(missing, _("未找到区划代码为 %(code)s 的村（社区）。") % {"code": code})
    return village

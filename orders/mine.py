"""找回我的点单: a resident who lost the tracking link proves their phone with an SMS code and
sees their orders with tracking links.

The page never says whether a number has orders: a code is sent only when it has some, and the
page reads the same either way. Sending is rate-limited per phone and per address, guessing by
the code's five tries (``notifications.phone_codes``). A verified phone is kept in the session
for ``MINE_MINUTES``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core import phone as phone_numbers
from core import retry
from core.client_ip import client_ip
from core.errors import InvalidInput
from notifications.phone_codes import CODE_MINUTES, phone_code_issue, phone_code_verify
from orders import ratelimit
from orders.models import Order

SESSION_KEY = "orders_mine"
MINE_MINUTES = 30
IP_SCOPE = "phone_code_ip"
PHONE_SCOPE = "phone_code_phone"
MAX_ORDERS = 50


def verified_phone(request) -> str:
    data = request.session.get(SESSION_KEY) or {}
    try:
        until = dt.datetime.fromisoformat(data.get("until", ""))
    except (TypeError, ValueError):
        return ""
    return data.get("phone", "") if until > timezone.now() else ""


def _page(request, context: dict, status: int = 200, wait: int | None = None) -> HttpResponse:
    if wait:
        context["throttled"] = retry.message(wait)
        status = 429
    response = render(request, "orders/order_mine.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@sensitive_post_parameters("phone", "code")
@require_http_methods(["GET", "POST"])
def orders_mine(request):
    phone = verified_phone(request)
    if request.method == "GET":
        if phone:
            orders = list(
                Order.objects.filter(phone=phone)
                .select_related("village", "menu_item")
                .order_by("-created_at", "-id")[:MAX_ORDERS]
            )
            return _page(
                request, {"orders": orders, "masked": phone_numbers.mask(phone), "verified": True}
            )
        return _page(request, {"step": "phone"})

    action = request.POST.get("action", "")
    if action == "forget":
        request.session.pop(SESSION_KEY, None)
        return redirect("orders:mine")
    raw = (request.POST.get("phone") or "")[:30]
    context = {"phone": raw, "step": "phone", "errors": {}}
    wait = ratelimit.hit(IP_SCOPE, client_ip(request))
    if wait:
        return _page(request, context, wait=wait)
    try:
        phone = phone_numbers.clean(raw)
    except ValidationError as exc:
        context["errors"] = {"phone": list(exc.messages)}
        return _page(request, context, status=400)
    context["phone"] = phone
    if action == "send":
        wait = ratelimit.hit(PHONE_SCOPE, phone)
        if wait:
            return _page(request, context, wait=wait)
        phone_code_issue(phone=phone, send=Order.objects.filter(phone=phone).exists())
        context.update(step="code", minutes=CODE_MINUTES)
        context["sent"] = _(
            "如果该号码有点单记录，验证码已发送到 %(masked)s，%(minutes)d 分钟内有效。"
        ) % {"masked": phone_numbers.mask(phone), "minutes": CODE_MINUTES}
        return _page(request, context)
    if action == "verify":
        context["step"] = "code"
        try:
            phone_code_verify(phone=phone, code=(request.POST.get("code") or "")[:10])
        except InvalidInput as exc:
            context["errors"] = exc.fields
            return _page(request, context, status=400)
        request.session.cycle_key()  # a fresh session id for the newly proven phone
        request.session[SESSION_KEY] = {
            "phone": phone,
            "until": (timezone.now() + dt.timedelta(minutes=MINE_MINUTES)).isoformat(),
        }
        messages.success(request, _("验证成功。"))
        return redirect("orders:mine")
    return _page(request, context, status=400)

"""活动提醒订阅: a resident subscribes by phone, without an account, to the day-before reminders
of a village station's events; a one-time SMS code confirms the phone, every reminder carries
the unsubscribe link.

Asking for codes shares the "find my orders" budgets (per address, and per phone): one phone's
codes are one resource, whichever page asks for them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core import phone as phone_numbers
from core import retry
from core.client_ip import client_ip
from core.errors import InvalidInput, NotInScope
from core.params import id_or_none
from notifications import subscriptions
from notifications.phone_codes import CODE_MINUTES
from orders import ratelimit
from orders.mine import IP_SCOPE, PHONE_SCOPE
from stations.models import Town, Village


def _page(request, template: str, context: dict, status: int = 200, wait: int | None = None):
    if wait:
        context["throttled"] = retry.message(wait)
        status = 429
    response = render(request, template, context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@sensitive_post_parameters("phone", "code")
@require_http_methods(["GET", "POST"])
def reminders_subscribe(request) -> HttpResponse:
    """GET: choose the town, then the village (``?village=<id>`` from an event's page). POST
    ``action=send``: a code to the phone; ``action=verify``: the code confirms."""
    source = request.POST if request.method == "POST" else request.GET
    village = None
    village_id = id_or_none(source.get("village"))
    if village_id:
        village = Village.objects.select_related("town").filter(pk=village_id).first()
    town_id = id_or_none(request.GET.get("town"))
    context: dict = {
        "village": village,
        "towns": Town.objects.order_by("sort_order", "name"),
        "town_id": town_id,
        "villages": Village.objects.filter(town_id=town_id).order_by("name") if town_id else [],
        "step": "village" if village is None else "phone",
        "errors": {},
    }
    template = "events/reminders_subscribe.html"
    if request.method == "GET":
        if source.get("village") and village is None:
            context["errors"] = {"village": [_("请选择有效的村（社区）。")]}
            return _page(request, template, context, status=400)
        return _page(request, template, context)

    if village is None:
        context["errors"] = {"village": [_("请选择有效的村（社区）。")]}
        return _page(request, template, context, status=400)
    raw = (request.POST.get("phone") or "")[:30]
    context["phone"] = raw
    wait = ratelimit.hit(IP_SCOPE, client_ip(request))
    if wait:
        return _page(request, template, context, wait=wait)
    try:
        phone = phone_numbers.clean(raw)
    except ValidationError as exc:
        context["errors"] = {"phone": list(exc.messages)}
        return _page(request, template, context, status=400)
    context["phone"] = phone
    action = request.POST.get("action", "")
    if action == "send":
        wait = ratelimit.hit(PHONE_SCOPE, phone)
        if wait:
            return _page(request, template, context, wait=wait)
        subscriptions.subscription_request(phone=phone, village_id=village.pk)
        context.update(step="code", minutes=CODE_MINUTES)
        context["sent"] = _("验证码已发送到 %(masked)s，%(minutes)d 分钟内有效。") % {
            "masked": phone_numbers.mask(phone),
            "minutes": CODE_MINUTES,
        }
        return _page(request, template, context)
    if action == "verify":
        context["step"] = "code"
        try:
            subscriptions.subscription_confirm(
                phone=phone, village_id=village.pk, code=(request.POST.get("code") or "")[:10]
            )
        except (InvalidInput, NotInScope) as exc:
            fields = getattr(exc, "fields", None) or {
                "code": [_("验证码错误或已过期，请重新获取。")]
            }
            context["errors"] = fields
            return _page(request, template, context, status=400)
        context.update(step="done", masked=phone_numbers.mask(phone))
        return _page(request, template, context)
    return _page(request, template, context, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def reminders_unsubscribe(request, token: str) -> HttpResponse:
    """GET asks (a link checker or a phone's preview must not unsubscribe anyone); POST
    unsubscribes. An unknown or used link answers 404 on GET; POST says "unsubscribed" once
    the row is gone, whoever clicked first."""
    template = "events/reminders_unsubscribe.html"
    subscription = subscriptions.subscription_for_token(token[:64])
    if request.method == "GET":
        if subscription is None:
            raise Http404
        return _page(request, template, {"subscription": subscription, "token": token})
    subscriptions.subscription_cancel(token=token[:64])
    return _page(request, template, {"done": True})

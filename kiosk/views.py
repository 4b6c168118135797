"""The station kiosk (触屏一体机) and the page where the station head manages its links.

The kiosk is one page of its own (no site header: nothing leads away from it) driven by
``static/kiosk/kiosk.js``: category tiles, the village's services, a keypad for the phone, and
the result with a QR code to follow the order and a printable slip. It answers only a browser
holding an active link of *this* station; anything else is a clear page and no order.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import qr
from core.absolute_urls import absolute_url
from core.errors import DomainError, InvalidInput, NotInScope
from kiosk import links, selectors, services
from orders import ratelimit
from stations.models import Position
from stations.scope import scope_for

RATE_SCOPE = "kiosk_order"


def _private(response: HttpResponse) -> HttpResponse:
    # Nothing of one resident may be shown to the next from a cache or the back button.
    response["Cache-Control"] = "no-store"
    return response


def _refused(request, station: Position | None, problem: str, status: int = 403) -> HttpResponse:
    return _private(
        render(
            request, "kiosk/refused.html", {"station": station, "problem": problem}, status=status
        )
    )


def _station(pk: int) -> Position:
    return get_object_or_404(
        Position.objects.select_related("village__town"), pk=pk, level=Position.Level.STATION
    )


@never_cache
@require_GET
def kiosk_screen(request, pk: int):
    """``/kiosk/<station id>/``: the kiosk itself. ``?key=`` (the head's link) is stored in a
    cookie for this path and the address is cleaned of it."""
    station = _station(pk)
    key = request.GET.get("key")
    if key is not None:
        verdict = links.resolve(key, station_id=station.pk)
        if verdict.link is None:
            return _refused(request, station, verdict.problem)
        response = redirect("kiosk:screen", pk=station.pk)
        response.set_cookie(
            links.COOKIE,
            key,
            max_age=365 * 24 * 3600,
            path=reverse("kiosk:screen", args=[station.pk]),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
    verdict = links.resolve(request.COOKIES.get(links.COOKIE), station_id=station.pk)
    if verdict.link is None:
        return _refused(request, station, verdict.problem)
    context = {
        "station": station,
        "tiles": selectors.menu_tiles(station),
        "events": selectors.month_events(station),
        "idle_seconds": settings.WENMING_KIOSK_IDLE_SECONDS,
        "today": timezone.localdate(),
    }
    return _private(render(request, "kiosk/screen.html", context))


def _json_error(message: str, status: int, fields: dict | None = None) -> JsonResponse:
    return JsonResponse({"ok": False, "message": message, "fields": fields or {}}, status=status)


@never_cache
@sensitive_post_parameters("phone")
@require_POST
def kiosk_order(request, pk: int):
    """The kiosk's order (JSON): ``menu_item`` and ``phone`` → the number, a QR code of the
    tracking page and the slip's lines; or ``{"ok": false, "message"}``."""
    station = _station(pk)
    verdict = links.resolve(request.COOKIES.get(links.COOKIE), station_id=station.pk)
    if verdict.link is None:
        return _json_error(verdict.problem, 403)
    wait = ratelimit.hit(RATE_SCOPE, f"link:{verdict.link.pk}")
    if wait is not None:
        response = _json_error(
            _("这台一体机刚才点单太频繁了，请稍后再试，或直接找站里的工作人员。"), 429
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        menu_item_id = int(request.POST.get("menu_item") or 0)
    except ValueError:
        menu_item_id = 0
    try:
        order = services.kiosk_order_submit(
            link=verdict.link, menu_item_id=menu_item_id, phone=request.POST.get("phone", "")
        )
    except InvalidInput as exc:
        details = [m for msgs in exc.fields.values() for m in msgs]
        return _json_error(" ".join(dict.fromkeys(details or [str(exc.message)])), 400, exc.fields)
    except DomainError as exc:
        return _json_error(str(exc.message), exc.status_code)
    url = absolute_url(reverse("orders:track", args=[order.tracking_token]), request)
    return _private(
        JsonResponse(
            {
                "ok": True,
                "number": order.number,
                "service": order.menu_item.display_title,
                "village": station.village.name,
                "phone": order.masked_phone,
                "time": timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M"),
                "qr": qr.svg(url, title=_("扫码查看进度")),
            },
            status=201,
        )
    )


# --- the station head's page ---------------------------------------------------------------


@login_required
@require_GET
def kiosk_links(request):
    """The stations this login manages, with their kiosk links (create, copy, revoke)."""
    if not scope_for(request.user).is_admin:
        raise Http404
    stations = list(selectors.managed_stations(request.user)[:100])
    by_station = selectors.links_for(stations)
    rows = [
        {
            "station": s,
            "links": [
                {"link": link, "url": _link_url(request, link) if link.is_active else ""}
                for link in by_station[s.pk]
            ],
        }
        for s in stations
    ]
    return render(request, "kiosk/links.html", {"rows": rows})


def _link_url(request, link) -> str:
    path = reverse("kiosk:screen", args=[link.station_id]) + "?key=" + links.sign(link)
    return absolute_url(path, request)


def _run(request, action, success: str) -> bool:
    try:
        action()
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        details = [m for msgs in exc.fields.values() for m in msgs]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *details])))
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def kiosk_link_create(request):
    try:
        station_id = int(request.POST.get("station", ""))
    except ValueError:
        raise Http404 from None
    _run(
        request,
        lambda: services.kiosk_link_create(
            user=request.user, station_id=station_id, label=request.POST.get("label", "")
        ),
        _("已生成一体机链接：请在一体机的浏览器中打开它。"),
    )
    return redirect("kiosk:links")


@login_required
@require_http_methods(["POST"])
def kiosk_link_revoke(request, link_id: int):
    _run(
        request,
        lambda: services.kiosk_link_revoke(user=request.user, link_id=link_id),
        _("已停用该一体机链接。"),
    )
    return redirect("kiosk:links")

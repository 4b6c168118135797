"""Check-in at an event (residents and volunteers), the station's poster page, and QR codes."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import qr
from core.absolute_urls import absolute_url
from core.client_ip import client_ip
from core.errors import DomainError, InvalidInput
from events import access, checkin_token
from events.checkin import CHECKIN_STATES, check_open, checkin_resident, checkin_volunteer
from events.forms import (
    CheckInForm,
)
from events.models import Event
from orders.eligibility import login_volunteer
from stations.models import Position


@require_http_methods(["GET", "POST"])
def checkin(request, pk: int):
    event = get_object_or_404(Event.objects.select_related("venue_position"), pk=pk)
    if event.state == Event.State.DRAFT:
        raise Http404(_("未找到。"))
    is_volunteer = login_volunteer(request.user) is not None
    token = (request.GET.get("t") or request.POST.get("token") or "")[:64]
    form = CheckInForm(initial={"token": token})
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("as_volunteer") and is_volunteer:
                result = checkin_volunteer(event=event, user=request.user)
            else:
                form = CheckInForm(request.POST)
                if not form.is_valid():
                    raise InvalidInput(_("请检查姓名和手机号。"))
                result = checkin_resident(
                    event=event,
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    token=form.cleaned_data["token"],
                    ip=client_ip(request),
                )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status_code  # 400 bad input, 403 not eligible, 409 not open
        else:
            if result.created:
                messages.success(request, _("签到成功，欢迎参加！"))
            else:
                messages.info(request, _("您已签到过，无需重复签到。"))
            return redirect("events:checkin", pk=pk)
    context = {
        "event": event,
        "form": form,
        "has_token": bool(token),
        "is_volunteer": is_volunteer,
        "checkin_count": event.checkins.count(),
    }
    return render(request, "events/checkin.html", context, status=status)


@login_required
@require_GET
def checkin_kiosk(request, pk: int):
    """The organiser's screen at the event (phone or station kiosk): the QR code with the
    current rotating check-in code, refreshed before it expires."""
    event = get_object_or_404(Event.objects.select_related("venue_position"), pk=pk)
    if not access.event_in_scope(request.user, event):
        raise Http404
    token = checkin_token.make(event.pk)
    url = absolute_url(reverse("events:checkin", args=[pk]) + f"?t={token}", request)
    closed = None
    try:
        check_open(event)
    except DomainError as exc:
        closed = exc.message
    context = {
        "event": event,
        "qr_svg": qr.svg(url, title=_("签到二维码")),
        "refresh": min(60, checkin_token.seconds_left()) + 1,
        "closed": closed,
        "checkin_count": event.checkins.count(),
    }
    response = render(request, "events/checkin_kiosk.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _qr_response(url: str, fmt: str) -> HttpResponse:
    code = qr.make(url)
    if fmt == "svg":
        body = code.svg_inline(scale=6, title=url).encode()
        content_type = "image/svg+xml"
    else:
        import io

        buf = io.BytesIO()
        code.save(buf, kind="png", scale=8, border=4)
        body = buf.getvalue()
        content_type = "image/png"
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def event_qr(request, pk: int, fmt: str):
    event = get_object_or_404(Event.objects.only("id", "state"), pk=pk)
    if event.state == Event.State.DRAFT and not (
        request.user.is_authenticated
        and access.event_in_scope(request.user, Event.objects.get(pk=pk))
    ):
        raise Http404
    return _qr_response(absolute_url(reverse("events:checkin", args=[pk]), request), fmt)


@require_GET
def station_qr(request, pk: int, fmt: str):
    get_object_or_404(Position, pk=pk, level=Position.Level.STATION)
    return _qr_response(absolute_url(reverse("events:station_checkin", args=[pk]), request), fmt)


@require_GET
def station_checkin(request, pk: int):
    """The station's poster QR: today's events there, one tap to each event's check-in."""
    station = get_object_or_404(Position, pk=pk, level=Position.Level.STATION)
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    events = list(
        Event.objects.filter(
            organiser_position=station,
            state__in=CHECKIN_STATES,
            start__gte=start,
            start__lt=start + dt.timedelta(days=1),
        ).order_by("start")
    )
    if len(events) == 1:
        return redirect("events:checkin", pk=events[0].pk)
    return render(request, "events/station_checkin.html", {"station": station, "events": events})

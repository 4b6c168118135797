"""Pages for events: the published calendar (web, print, ICS), monthly plans, event pages,
check-in and QR codes. Thin: parse input, fetch in the caller's scope (outside → 404), call a
service or a selector, render or redirect with a message."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import DomainError, InvalidInput
from events import ical, selectors, services
from events.filters import MAX_ID
from events.forms import (
    CancelForm,
    CheckInForm,
    CompleteForm,
    ConfirmVolunteerForm,
    EventForm,
    PhotoForm,
)
from events.models import Event
from events.months import add_months, current_month, format_month, parse_month
from orders.models import ServiceCategory
from stations.models import Position, Town, Village
from stations.scope import scope_for
from volunteers.models import Volunteer

ICS_TYPE = "text/calendar; charset=utf-8"
FEED_MONTHS_BACK = 2
FEED_MONTHS_AHEAD = 3


class BadFilter(Exception):
    pass


def _month_or_404(value: str, *, text: bool = False):
    month = parse_month(value)
    if month is None:
        message = _("月份格式应为 YYYY-MM，例如 2026-12。")
        if text:
            return None, HttpResponseNotFound(message, content_type="text/plain; charset=utf-8")
        raise Http404(message)
    return month, None


def _int_filter(params, name: str, label: str) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        raise BadFilter(_("%(label)s参数无效：应为编号。") % {"label": label})
    return int(value)


def _calendar_filters(params) -> dict:
    """Validate town/village/category ids: unknown ones are a 400 with a clear message."""
    town_id = _int_filter(params, "town", _("镇街"))
    village_id = _int_filter(params, "village", _("村（社区）"))
    category_id = _int_filter(params, "category", _("类别"))
    town = village = category = None
    if town_id is not None:
        town = Town.objects.filter(pk=town_id).first()
        if town is None:
            raise BadFilter(_("所选镇街不存在。"))
    if village_id is not None:
        village = Village.objects.filter(pk=village_id).select_related("town").first()
        if village is None:
            raise BadFilter(_("所选村（社区）不存在。"))
        if town is not None and village.town_id != town.pk:
            raise BadFilter(_("所选村（社区）不属于该镇街。"))
        town = town or village.town
    if category_id is not None:
        category = ServiceCategory.objects.filter(pk=category_id).first()
        if category is None:
            raise BadFilter(_("所选类别不存在。"))
    return {"town": town, "village": village, "category": category}


def _filter_items(items: list[dict], filters: dict) -> list[dict]:
    return ical.items_filtered(
        items,
        town_id=filters["town"].pk if filters["town"] else None,
        village_id=filters["village"].pk if filters["village"] else None,
        category_id=filters["category"].pk if filters["category"] else None,
    )


def _filter_query(filters: dict) -> str:
    from urllib.parse import urlencode

    params = {k: v.pk for k, v in filters.items() if v is not None}
    return urlencode(params)


def _month_grid(month: dt.date, items: list[dict]) -> list[list[dict | None]]:
    by_day: dict[int, int] = defaultdict(int)
    for item in items:
        by_day[ical.local_start(item).day] += 1
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdayscalendar(month.year, month.month):
        weeks.append([{"day": d, "count": by_day.get(d, 0)} if d else None for d in week])
    return weeks


def _group_by_day(items: list[dict]) -> list[tuple[dt.date, list[dict]]]:
    days: dict[dt.date, list[dict]] = defaultdict(list)
    for item in items:
        start = ical.local_start(item)
        item = {
            **item,
            "start_local": start,
            "end_local": timezone.localtime(dt.datetime.fromisoformat(item["end"])),
        }
        days[start.date()].append(item)
    return sorted(days.items())


def _render_calendar(request, month: dt.date, *, template: str = "events/calendar.html"):
    try:
        filters = _calendar_filters(request.GET)
    except BadFilter as exc:
        return render(
            request,
            "events/calendar_error.html",
            {"message": str(exc), "month": month, "month_str": format_month(month)},
            status=400,
        )
    published = selectors.latest_calendar(month)
    items = []
    if published is not None:
        items = _filter_items(selectors.calendar_data(published)["events"], filters)
    villages = (
        Village.objects.filter(town=filters["town"]).only("id", "name", "town_id")
        if filters["town"]
        else Village.objects.none()
    )
    context = {
        "month": month,
        "month_str": format_month(month),
        "prev_month": format_month(add_months(month, -1)),
        "next_month": format_month(add_months(month, 1)),
        "published": published,
        "items": items,
        "days": _group_by_day(items),
        "weeks": _month_grid(month, items),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "filters": filters,
        "query": _filter_query(filters),
        "towns": Town.objects.only("id", "name"),
        "villages": villages,
        "categories": ServiceCategory.objects.only("id", "name"),
    }
    return render(request, template, context)


@require_GET
def calendar(request):
    return _render_calendar(request, current_month())


@require_GET
def calendar_month(request, ym: str):
    month, _unused = _month_or_404(ym)
    return _render_calendar(request, month)


@require_GET
def calendar_print(request, ym: str):
    month, _unused = _month_or_404(ym)
    return _render_calendar(request, month, template="events/calendar_print.html")


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _text_error(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def calendar_ics(request, ym: str):
    """The published version's .ics; with filters, the same items re-rendered (same UIDs)."""
    month, error = _month_or_404(ym, text=True)
    if error:
        return error
    try:
        filters = _calendar_filters(request.GET)
    except BadFilter as exc:
        return _text_error(str(exc), 400)
    published = selectors.latest_calendar(month)
    if published is None:
        return _text_error(_("%(month)s 的活动月历尚未发布。") % {"month": ym}, 404)
    if not any(filters.values()):
        return _ics_response(published.ics_text, f"wenming-{ym}.ics")
    items = _filter_items(selectors.calendar_data(published)["events"], filters)
    text = ical.render_ics(
        items,
        name=_("文明实践活动月历 %(month)s") % {"month": ym},
        dtstamp=published.created_at,
    )
    return _ics_response(text, f"wenming-{ym}.ics")


@require_GET
def calendar_feed(request):
    """A subscribable feed of the published calendars around now, for a town or a village."""
    try:
        filters = _calendar_filters(request.GET)
    except BadFilter as exc:
        return _text_error(str(exc), 400)
    cur = current_month()
    months = [add_months(cur, n) for n in range(-FEED_MONTHS_BACK, FEED_MONTHS_AHEAD + 1)]
    calendars = selectors.latest_calendars(months)
    items = []
    for cal in calendars:
        items.extend(_filter_items(selectors.calendar_data(cal)["events"], filters))
    area = filters["village"] or filters["town"]
    name = _("文明实践活动") + (f" · {area.name}" if area else "")
    stamp = max((c.created_at for c in calendars), default=timezone.now())
    response = _ics_response(ical.render_ics(items, name=name, dtstamp=stamp), "wenming.ics")
    response["Cache-Control"] = "public, max-age=900"
    return response


# --- plans -------------------------------------------------------------------------------------


def _require_admin(request):
    if not scope_for(request.user).is_admin:
        raise Http404(_("未找到。"))


@login_required
@require_GET
def plans(request):
    return redirect("events:plan_month", ym=format_month(add_months(current_month(), 1)))


@login_required
@require_GET
def plan_month(request, ym: str):
    month, _unused = _month_or_404(ym)
    _require_admin(request)
    scope = scope_for(request.user)
    rows = selectors.plan_overview(request.user, month)
    own = [row for row in rows if row.position.pk in scope.position_ids]
    own_sections = [
        {"row": row, "events": list(selectors.position_month_events(row.position, month))}
        for row in own
    ]
    due_day = min(settings.WENMING_PLAN_DUE_DAY, 28)
    prev = add_months(month, -1)
    context = {
        "month": month,
        "month_str": ym,
        "prev_month": format_month(prev),
        "next_month": format_month(add_months(month, 1)),
        "own_sections": own_sections,
        "rows": rows if (scope.everything or scope.town_ids) else [],
        "missing": [r for r in rows if not r.submitted],
        "submitted_count": sum(1 for r in rows if r.submitted),
        "due_date": dt.date(prev.year, prev.month, due_day),
        "is_past": month < current_month(),
    }
    return render(request, "events/plan_month.html", context)


@login_required
@require_POST
def plan_submit(request, ym: str):
    month, _unused = _month_or_404(ym)
    raw = (request.POST.get("position") or "").strip()
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise Http404(_("未找到。"))
    position = get_object_or_404(Position, pk=int(raw))
    try:
        services.plan_submit(
            user=request.user, position=position, month=month, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404(str(exc.message)) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(month)s 活动计划已提交。") % {"month": ym})
    return redirect("events:plan_month", ym=ym)


# --- events ------------------------------------------------------------------------------------


def _managed_event(request, pk: int) -> Event:
    event = get_object_or_404(selectors.calendar_queryset(), pk=pk)
    if not services.event_in_scope(request.user, event):
        raise Http404(_("未找到。"))
    return event


def _scope_villages(user):
    scope = scope_for(user)
    if scope.everything:
        return Village.objects.select_related("town")
    if scope.town_ids:
        return Village.objects.filter(town_id__in=scope.town_ids).select_related("town")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    _require_admin(request)
    villages = _scope_villages(request.user)
    month = parse_month(request.GET.get("month", "")) or add_months(current_month(), 1)
    form = EventForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_create(
                user=request.user,
                title=data["title"],
                category=data["category"],
                platform=data["platform"],
                start=data["start"],
                end=data["end"],
                village=data.get("village"),
                venue_address=data["venue_address"],
                description=data["description"],
                capacity=data["capacity"],
                audience=data["audience"],
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise Http404(str(exc.message)) from exc
            form.add_error(None, exc.message)
            for name, errors in exc.fields.items():
                if name in form.fields:
                    for error in errors:
                        form.add_error(name, error)
        else:
            messages.success(request, _("活动已保存为草稿。"))
            return redirect("events:plan_month", ym=format_month(timezone.localtime(event.start)))
    if not form.is_bound:
        tz = timezone.get_current_timezone()
        start = dt.datetime(month.year, month.month, 1, 9, 0, tzinfo=tz)
        form.initial.update({"start": start, "end": start + dt.timedelta(hours=2)})
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    event = _managed_event(request, pk)
    form = EventForm(request.POST or None, villages=None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            k: data[k]
            for k in (
                "title",
                "category",
                "platform",
                "start",
                "end",
                "venue_address",
                "description",
                "capacity",
                "audience",
            )
        }
        try:
            services.event_update(user=request.user, event=event, **changes)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("活动已更新。"))
            return redirect("events:event_detail", pk=event.pk)
    if not form.is_bound:
        form.initial.update(
            {
                "title": event.title,
                "category": event.category_id,
                "platform": event.platform_id,
                "start": timezone.localtime(event.start),
                "end": timezone.localtime(event.end),
                "venue_address": event.venue_address,
                "description": event.description,
                "capacity": event.capacity,
                "audience": event.audience,
            }
        )
    return render(request, "events/event_form.html", {"form": form, "event": event})


@require_GET
def event_detail(request, pk: int):
    event = get_object_or_404(selectors.calendar_queryset(), pk=pk)
    manages = request.user.is_authenticated and services.event_in_scope(request.user, event)
    if event.state == Event.State.DRAFT and not manages:
        raise Http404(_("未找到。"))
    context = {
        "event": event,
        "manages": manages,
        "checkin_count": event.checkins.count(),
        "photos": list(event.photos.all()),
        "checkin_url": settings.SITE_URL + reverse("events:checkin", args=[event.pk]),
    }
    if manages:
        context.update(
            {
                "volunteer_links": list(selectors.event_volunteers(event)),
                "changes": list(event.state_changes.select_related("actor")),
                "cancel_form": CancelForm(),
                "complete_form": CompleteForm(initial={"attendance": event.attendance}),
                "confirm_form": ConfirmVolunteerForm(),
                "photo_form": PhotoForm(),
            }
        )
    return render(request, "events/event_detail.html", context)


ACTIONS = {"plan", "publish", "cancel", "complete", "confirm", "photo"}


@login_required
@require_POST
def event_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    event = _managed_event(request, pk)
    try:
        if action == "plan":
            services.event_plan(user=request.user, event=event)
            messages.success(request, _("活动已列入计划。"))
        elif action == "publish":
            services.event_publish(user=request.user, event=event)
            messages.success(request, _("活动已发布。"))
        elif action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请填写取消原因。"))
                return redirect("events:event_detail", pk=pk)
            reason = form.cleaned_data["reason"]
            services.event_cancel(user=request.user, event=event, reason=reason)
            messages.success(request, _("活动已取消。"))
        elif action == "complete":
            form = CompleteForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("参与人数应为非负整数。"))
                return redirect("events:event_detail", pk=pk)
            services.event_complete(
                user=request.user,
                event=event,
                attendance=form.cleaned_data["attendance"],
                results_note=form.cleaned_data["results_note"],
            )
            messages.success(request, _("活动已完成，签到志愿者的时长已计入。"))
        elif action == "confirm":
            form = ConfirmVolunteerForm(request.POST)
            volunteer = None
            if form.is_valid():
                volunteer = Volunteer.objects.filter(pk=form.cleaned_data["volunteer"]).first()
            if volunteer is None:
                messages.error(request, _("请填写正确的志愿者编号和时长。"))
                return redirect("events:event_detail", pk=pk)
            services.event_volunteer_confirm(
                user=request.user,
                event=event,
                volunteer=volunteer,
                hours=form.cleaned_data["hours"],
            )
            messages.success(request, _("已确认志愿者服务时长。"))
        elif action == "photo":
            form = PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect("events:event_detail", pk=pk)
            services.event_photo_add(
                user=request.user,
                event=event,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, _("照片已上传。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("events:event_detail", pk=pk)


# --- check-in and QR codes ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def checkin(request, pk: int):
    event = get_object_or_404(Event.objects.select_related("venue_position"), pk=pk)
    if event.state == Event.State.DRAFT:
        raise Http404(_("未找到。"))
    is_volunteer = (
        request.user.is_authenticated and Volunteer.objects.filter(user=request.user).exists()
    )
    form = CheckInForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("as_volunteer") and is_volunteer:
                result = services.checkin_volunteer(event=event, user=request.user)
            else:
                form = CheckInForm(request.POST)
                if not form.is_valid():
                    raise InvalidInput(_("请检查姓名和手机号。"))
                result = services.checkin_resident(
                    event=event, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"]
                )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400 if exc.status_code == 400 else 409
        else:
            if result.created:
                messages.success(request, _("签到成功，欢迎参加！"))
            else:
                messages.info(request, _("您已签到过，无需重复签到。"))
            return redirect("events:checkin", pk=pk)
    context = {
        "event": event,
        "form": form,
        "is_volunteer": is_volunteer,
        "checkin_count": event.checkins.count(),
    }
    return render(request, "events/checkin.html", context, status=status)


def _qr_response(url: str, fmt: str) -> HttpResponse:
    qr = segno.make(url, error="m")
    if fmt == "svg":
        body = qr.svg_inline(scale=6, title=url).encode()
        content_type = "image/svg+xml"
    else:
        import io

        buf = io.BytesIO()
        qr.save(buf, kind="png", scale=8, border=4)
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
        and services.event_in_scope(request.user, Event.objects.get(pk=pk))
    ):
        raise Http404
    return _qr_response(settings.SITE_URL + reverse("events:checkin", args=[pk]), fmt)


@require_GET
def station_qr(request, pk: int, fmt: str):
    get_object_or_404(Position, pk=pk, level=Position.Level.STATION)
    return _qr_response(settings.SITE_URL + reverse("events:station_checkin", args=[pk]), fmt)


@require_GET
def station_checkin(request, pk: int):
    """The station's poster QR: today's events there, one tap to each event's check-in."""
    station = get_object_or_404(Position, pk=pk, level=Position.Level.STATION)
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    events = list(
        Event.objects.filter(
            organiser_position=station,
            state__in=services.CHECKIN_STATES,
            start__gte=start,
            start__lt=start + dt.timedelta(days=1),
        ).order_by("start")
    )
    if len(events) == 1:
        return redirect("events:checkin", pk=events[0].pk)
    return render(request, "events/station_checkin.html", {"station": station, "events": events})


@login_required
@require_GET
def event_list(request):
    """The events a login manages, newest first (a plain paginated list)."""
    _require_admin(request)
    qs = selectors.events_for_user(request.user).order_by("-start", "-id")
    state = request.GET.get("state", "")
    if state:
        if state not in Event.State.values:
            return HttpResponseBadRequest(_("状态参数无效。"))
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {"page": page, "state": state, "states": Event.State.choices},
    )

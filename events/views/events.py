"""Event pages: list, create, edit, detail, and the actions on it (plan, publish, cancel,
complete, confirm a volunteer's hours, add a photo)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.absolute_urls import absolute_url
from core.errors import DomainError
from core.months import add_months, current_month, label, parse_month
from events import access, selectors, services
from events.forms import (
    CancelForm,
    CompleteForm,
    ConfirmVolunteerForm,
    EventForm,
    PhotoForm,
)
from events.models import Event
from events.views.guards import require_admin
from stations.models import Village
from stations.scope import scope_for
from volunteers.models import Volunteer


def _managed_event(request, pk: int) -> Event:
    event = get_object_or_404(selectors.calendar_queryset(), pk=pk)
    if not access.event_in_scope(request.user, event):
        raise Http404(_("未找到。"))
    return event


def _scope_villages(user):
    """The villages an area admin may hold an event in (the scope's own filter), or None for a
    station head, whose events are held at their station (the form then has no village)."""
    scope = scope_for(user)
    if not (scope.everything or scope.town_ids):
        return None
    return scope.filter(Village.objects.select_related("town"), village="pk")


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    require_admin(request)
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
            return redirect("events:plan_month", ym=label(timezone.localtime(event.start)))
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
    manages = request.user.is_authenticated and access.event_in_scope(request.user, event)
    if event.state == Event.State.DRAFT and not manages:
        raise Http404(_("未找到。"))
    context = {
        "event": event,
        "manages": manages,
        "checkin_count": event.checkins.count(),
        "photos": list(event.photos.all()),
        "checkin_url": absolute_url(reverse("events:checkin", args=[event.pk]), request),
    }
    if manages:
        context.update(
            {
                "volunteer_links": list(selectors.event_volunteers(event)),
                "pending_count": selectors.pending_hours_count(event),
                "changes": list(event.state_changes.select_related("actor")),
                "cancel_form": CancelForm(),
                "complete_form": CompleteForm(initial={"attendance": event.attendance}),
                "confirm_form": ConfirmVolunteerForm(),
                "photo_form": PhotoForm(),
            }
        )
    return render(request, "events/event_detail.html", context)


ACTIONS = {"plan", "publish", "cancel", "complete", "confirm", "confirm-all", "photo"}


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
            messages.success(request, _("活动已完成。签到志愿者的时长待您确认后计入。"))
        elif action == "confirm":
            form = ConfirmVolunteerForm(request.POST)
            volunteer = None
            if form.is_valid():
                volunteer = Volunteer.objects.filter(pk=form.cleaned_data["volunteer"]).first()
            if volunteer is None:
                # Bad hours get the hours rule's own message (volunteers.hours).
                errors = form.errors.get("hours") or [_("请填写正确的志愿者编号和时长。")]
                messages.error(request, errors[0])
                return redirect("events:event_detail", pk=pk)
            services.event_volunteer_confirm(
                user=request.user,
                event=event,
                volunteer=volunteer,
                hours=form.cleaned_data["hours"],
            )
            messages.success(request, _("已确认志愿者服务时长。"))
        elif action == "confirm-all":
            n = services.event_volunteers_confirm_all(user=request.user, event=event)
            messages.success(request, _("已确认 %(n)d 条服务时长。") % {"n": n})
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
    # The month plan's own "列入计划" buttons come back to the plan (a local path only).
    target = request.POST.get("next", "")
    if action == "plan" and target.startswith("/plans/") and "//" not in target:
        return redirect(target)
    return redirect("events:event_detail", pk=pk)


@login_required
@require_GET
def event_list(request):
    """The events a login manages, newest first (a plain paginated list)."""
    require_admin(request)
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

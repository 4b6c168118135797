"""Order pages: the public form and tracking page, the volunteer dashboard, the station and town
lists. Views are thin: fetch within the caller's area (``orders.access``: 404 outside it), call
one service, redirect with a message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import phone as phone_numbers
from core.absolute_urls import absolute_url
from core.client_ip import client_ip
from core.errors import DomainError, InvalidInput, NotInScope, PermissionDenied
from orders import access, ratelimit, selectors, services
from orders.forms import (
    AssignForm,
    CompleteForm,
    FollowUpForm,
    OptionalReasonForm,
    OrderForm,
    RateForm,
    ReasonForm,
)
from orders.models import Order
from orders.next_step import next_step
from stations.models import Town, Village
from stations.scope import scope_for
from volunteers import points as volunteer_points
from volunteers import selectors as volunteer_selectors

S = Order.Status
PAGE_SIZE = 50


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scoped(call):
    """Call ``call``; out of sight becomes 404 and not one's role 403, as in the API
    (``orders.access``)."""
    try:
        return call()
    except NotInScope:
        raise Http404 from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None


def _run(request, action, success: str) -> bool:
    """Call a service; turn domain errors into a message (or a 404 / 403). True on success.

    A wrong state (409 in the API) is a message on the page the user is sent back to."""
    try:
        _scoped(action)
    except InvalidInput as exc:
        details = [m for msgs in exc.fields.values() for m in msgs]
        messages.error(request, " ".join([str(exc.message), *details]))
        return False
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, success)
    return True


def _throttled(request, context: dict, wait: int) -> HttpResponse:
    minutes = max(1, (wait + 59) // 60)
    context["throttled"] = _(
        "提交太频繁了，请 %(minutes)d 分钟后再试。如有急事，请直接联系村里的实践站。"
    ) % {"minutes": minutes}
    response = render(request, "orders/order_form.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


# --- 点单: the public form --------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("name", "phone")  # PIPL: kept out of error reports
@require_http_methods(["GET", "POST"])
def order_new(request):
    """Two steps that also work without JavaScript: pick the village, then fill in the order."""
    village_id = _int(request.POST.get("village") or request.GET.get("village"))
    village = (
        Village.objects.select_related("town").filter(pk=village_id).first() if village_id else None
    )
    if village is None:
        return _village_picker(request)

    context = {"village": village, "duplicate_minutes": settings.WENMING_ORDER_DUPLICATE_MINUTES}
    menu_choices = selectors.menu_choices_for_village(village)
    if request.method == "GET":
        context["form"] = OrderForm(menu_choices=menu_choices)
        context["has_menu"] = bool(menu_choices)
        return render(request, "orders/order_form.html", context)

    form = OrderForm(request.POST, menu_choices=menu_choices)
    context.update(form=form, has_menu=bool(menu_choices))
    # The API's budget, counted the same way (orders.ratelimit): the address, then the phone.
    wait = ratelimit.check_order_submit(
        ip=client_ip(request), phone=phone_numbers.normalize(request.POST.get("phone"))
    )
    if wait:
        return _throttled(request, context, wait)
    if not form.is_valid():
        return render(request, "orders/order_form.html", context)
    data = form.cleaned_data
    menu_item = selectors.menu_items_for_village(village).filter(pk=data["menu_item"]).first()
    if menu_item is None:
        form.add_error("menu_item", _("该服务项不在所选村（社区）的实践菜单中。"))
        return render(request, "orders/order_form.html", context)
    try:
        result = services.order_submit(
            village=village,
            menu_item=menu_item,
            **{
                key: data[key]
                for key in (
                    "name",
                    "phone",
                    "description",
                    "preferred_date",
                    "preferred_window",
                    "people",
                    "target_group",
                )
            },
        )
    except services.DuplicateOrder as exc:
        # Say when, never which order: the tracking link is the resident's key (issue 14).
        context["duplicate"] = exc.message
        context["find_by_phone_url"] = _find_by_phone_url()
        return render(request, "orders/order_form.html", context, status=409)
    except InvalidInput as exc:
        for field, errors in exc.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return render(request, "orders/order_form.html", context)
    order = result.order
    messages.success(
        request,
        _("点单已提交，单号 %(number)s。请收藏本页，随时查看进度。") % {"number": order.number},
    )
    return redirect("orders:track", token=order.tracking_token)


def _find_by_phone_url() -> str:
    """The "find my orders by phone" page, once it exists (issue 12); empty until then."""
    try:
        return reverse("orders:mine")
    except NoReverseMatch:
        return ""


PICKER_LIMIT = 200


def _picker_villages(request) -> tuple[int | None, str, list[Village], bool]:
    """The town and query asked for, the villages found (at most ``PICKER_LIMIT``) and whether
    there were more."""
    town_id = _int(request.GET.get("town"))
    query = (request.GET.get("q") or "").strip()[:20]
    found = list(selectors.villages_for_picker(town_id=town_id, query=query)[: PICKER_LIMIT + 1])
    return town_id, query, found[:PICKER_LIMIT], len(found) > PICKER_LIMIT


def _village_picker(request):
    town_id, query, villages, capped = _picker_villages(request)
    # "下一步" (``step=next``) with no village chosen: one match is the choice; none is an error.
    if request.method == "POST" or request.GET.get("step") == "next":
        if len(villages) == 1 and request.method == "GET":
            return redirect(f"{reverse('orders:new')}?village={villages[0].pk}")
        messages.error(request, _("请先选择村（社区）。"))
    context = {
        "towns": selectors.towns(),
        "town_id": town_id,
        "query": query,
        "villages": villages,
        "capped": capped,
        "limit": PICKER_LIMIT,
        "searched": bool(town_id or query),
    }
    return render(request, "orders/village_picker.html", context)


@require_GET
def village_options(request):
    """JSON for the village picker: ``?town=<id>`` or ``?q=<name or pinyin>`` → at most 200
    villages, and ``capped`` when there were more."""
    _town_id, _query, villages, capped = _picker_villages(request)
    data = [
        {"id": v.pk, "name": v.name, "town": v.town.name, "town_id": v.town_id} for v in villages
    ]
    return JsonResponse({"villages": data, "capped": capped})


# --- tracking ---------------------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    # The token in the URL is the resident's key: never send it to other sites. ("no-referrer"
    # would make browsers post forms with "Origin: null", which CSRF protection refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def order_track(request, token: str):
    order = selectors.order_for_tracking(token)
    if order is None:
        raise Http404
    context = {
        "order": order,
        "next_step": next_step(order),
        "station": selectors.station_of(order.village_id),
        "track_url": absolute_url(request.path, request),
        "timeline": selectors.timeline(order),
        "cancel_form": OptionalReasonForm() if order.resident_may_cancel else None,
        "rate_form": RateForm() if order.may_rate else None,
    }
    return _private(render(request, "orders/order_track.html", context))


@require_POST
def order_track_cancel(request, token: str):
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: services.order_cancel(tracking_token=token, reason=reason),
        _("点单已取消。"),
    )
    return _private(redirect("orders:track", token=token))


@require_POST
def order_track_rate(request, token: str):
    if selectors.order_for_tracking(token) is None:
        raise Http404
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择 1 到 5 星。"))
    else:
        _run(
            request,
            lambda: services.order_rate(
                tracking_token=token,
                stars=form.cleaned_data["stars"],
                comment=form.cleaned_data["comment"],
            ),
            _("感谢您的评价！"),
        )
    return _private(redirect("orders:track", token=token))


# --- volunteer ------------------------------------------------------------------------------


def _volunteer(request):
    """The dashboard is for volunteers on the register; for anyone else it does not exist."""
    volunteer = access.active_volunteer(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


DASHBOARD_TABS = ("open", "mine", "done")


@login_required
@require_GET
def volunteer_dashboard(request):
    """What needs doing first: the orders to claim, then the volunteer's own in progress, then
    those done, one tab at a time (``?tab=``; links, so it works without JavaScript)."""
    volunteer = _volunteer(request)
    tab = request.GET.get("tab", "")
    if tab not in DASHBOARD_TABS:
        tab = "open"
    category_id = _int(request.GET.get("category"))
    skills_only = request.GET.get("skills") == "1"
    open_qs = selectors.open_orders_for_volunteer(
        volunteer, category_id=category_id, skills_only=skills_only
    )
    accepted_qs = selectors.accepted_orders_for_volunteer(volunteer)
    balance = volunteer_points.balance(volunteer.pk)
    context = {
        "volunteer": volunteer,
        "tab": tab,
        "open_count": open_qs.count(),
        "accepted_count": accepted_qs.count(),
        "hours_month": selectors.volunteer_hours_this_month(volunteer),
        "points_balance": balance,
        "points_owed": max(0, -balance),  # a reversal after a redemption (volunteers.points)
        "points_history": list(volunteer_selectors.points_history(volunteer)[:10]),
        "accepted": list(accepted_qs) if tab == "mine" else [],
        "open_orders": list(open_qs[:PAGE_SIZE]) if tab == "open" else [],
        "recent": list(selectors.recent_done_for_volunteer(volunteer)) if tab == "done" else [],
        "categories": list(selectors.categories()) if tab == "open" else [],
        "category_id": category_id,
        "skills_only": skills_only,
    }
    return render(request, "orders/volunteer_dashboard.html", context)


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def volunteer_claim(request, pk: int):
    claimed = _run(
        request,
        lambda: services.order_claim(order_id=pk, actor=request.user),
        _("接单成功，请尽快联系群众。"),
    )
    if claimed:  # on to the order among the volunteer's own, with the resident's phone
        return redirect(f"{reverse('orders:volunteer_dashboard')}?tab=mine#order-{pk}")
    return redirect("orders:volunteer_dashboard")


def _worker_page(request, pk: int, *, denied: str) -> Order | None:
    """The order for the volunteer's own 登记完成 / 退单 page (404 outside sight, 403 for
    someone who may see it but not work on it); ``None`` when it is no longer in service (a
    message says so)."""
    order, _worker = _scoped(lambda: access.worker_order(request.user, pk, denied=denied))
    if not order.may_complete:
        messages.error(request, _("该点单已不在服务中，无需再操作。"))
        return None
    return order


@login_required
@require_http_methods(["GET", "POST"])
def order_complete(request, pk: int):
    """GET: the 登记完成 form on a page of its own; POST: record it."""
    if request.method == "GET":
        order = _worker_page(request, pk, denied=_("只有接单志愿者或站长可以登记完成。"))
        if order is None:
            return redirect(f"{reverse('orders:volunteer_dashboard')}?tab=mine")
        return render(
            request, "orders/order_complete.html", {"order": order, "form": CompleteForm()}
        )
    form = CompleteForm(request.POST)
    if not form.is_valid():
        errors = [m for msgs in form.errors.values() for m in msgs]
        messages.error(request, " ".join([_("登记完成失败："), *errors]))
        if not request.POST.get("next"):  # the volunteer's own page: keep what they typed
            order = _worker_page(request, pk, denied=_("只有接单志愿者或站长可以登记完成。"))
            if order is not None:
                context = {"order": order, "form": form}
                return render(request, "orders/order_complete.html", context, status=400)
    else:
        _run(
            request,
            lambda: services.order_complete(
                order_id=pk,
                actor=request.user,
                hours=form.cleaned_data["hours"],
                note=form.cleaned_data["note"],
                service_date=form.cleaned_data["service_date"],
            ),
            _("已登记完成，服务时长已计入。"),
        )
    return _back(request, f"{reverse('orders:volunteer_dashboard')}?tab=mine")


@login_required
@require_http_methods(["GET", "POST"])
def order_release(request, pk: int):
    """GET: the confirmation step (the reason, then 确认退单), so giving an order back is never
    one stray tap, with or without JavaScript; POST: give it back."""
    if request.method == "GET":
        order = _worker_page(request, pk, denied=_("只有接单志愿者或站长可以退单。"))
        if order is None:
            return redirect(f"{reverse('orders:volunteer_dashboard')}?tab=mine")
        return render(request, "orders/order_release.html", {"order": order})
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("退单需要填写原因。"))
        return redirect("orders:release", pk=pk)
    _run(
        request,
        lambda: services.order_release(
            order_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("已退单，该点单重新开放接单。"),
    )
    return _back(request, f"{reverse('orders:volunteer_dashboard')}?tab=mine")


# --- station head and town admin --------------------------------------------------------------


def _channel(request) -> str:
    """The ``?channel=`` filter of the station and town lists; anything unknown shows all."""
    channel = request.GET.get("channel", "")
    return channel if channel in Order.Channel.values else ""


def _require_area(request):
    scope = scope_for(request.user)
    if not scope.is_admin:
        raise Http404
    return scope


@login_required
@require_GET
def station_orders(request):
    """The station's (or area's) orders by state; overdue and low ratings first."""
    scope = _require_area(request)
    status = request.GET.get("status", "")
    if status not in S.values:
        status = ""
    channel = _channel(request)
    base = selectors.orders_for_admin(request.user)
    page = Paginator(
        selectors.orders_for_admin(request.user, status=status, channel=channel), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": S.choices,
        "channel": channel,
        "channels": Order.Channel.choices,
        "counts": selectors.status_counts(base),
        "follow_ups": list(base.filter(needs_follow_up=True)[:20]),
        "has_town_view": scope.everything or bool(scope.town_ids),
        # 帮办 is for the staff of a village or town (``access.proxy_villages``).
        "can_proxy": not scope.everything,
    }
    return render(request, "orders/station_orders.html", context)


@login_required
@require_GET
def town_orders(request):
    """All orders of the admin's town(s), overdue ones first, filterable by village and state."""
    scope = _require_area(request)
    if not (scope.everything or scope.town_ids):
        raise Http404
    status = request.GET.get("status", "")
    if status not in S.values:
        status = ""
    village_id = _int(request.GET.get("village"))
    towns = Town.objects.all() if scope.everything else Town.objects.filter(pk__in=scope.town_ids)
    villages = Village.objects.filter(town__in=towns).order_by("town__sort_order", "name")
    channel = _channel(request)
    qs = selectors.orders_for_admin(
        request.user, status=status, village_id=village_id, channel=channel
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": S.choices,
        "channel": channel,
        "channels": Order.Channel.choices,
        "village_id": village_id,
        "villages": villages if not scope.everything else villages.none(),
        "counts": selectors.status_counts(selectors.orders_for_admin(request.user)),
    }
    return render(request, "orders/town_orders.html", context)


def _admin_order(request, pk: int) -> Order:
    qs = access.administered_orders(request.user)
    return get_object_or_404(
        qs.select_related(
            "village",
            "town",
            "menu_item",
            "category",
            "accepted_by",
            "accepted_team",
            "escalated_team",
            "follow_up_of",
        ),
        pk=pk,
    )


@login_required
@require_GET
def station_order_detail(request, pk: int):
    _require_area(request)
    order = _admin_order(request, pk)
    assign_form = None
    assign_query = (request.GET.get("vq") or "").strip()[:20]
    assign_groups = []
    if order.may_assign:
        assign_form = AssignForm(
            volunteers=selectors.assignable_volunteers(order),
            teams=selectors.assignable_teams(order),
        )
        assign_groups = selectors.assign_candidates(order, query=assign_query)
    context = {
        "order": order,
        "assign_query": assign_query,
        "assign_groups": assign_groups,
        "assign_count": sum(len(g.volunteers) for g in assign_groups),
        "timeline": selectors.timeline(order),
        "reason_form": ReasonForm(),
        "assign_form": assign_form,
        "complete_form": CompleteForm(),
        "follow_up_form": FollowUpForm(),
        # Only a rated order's follow-up opens orders: spare the others the query.
        "follow_up_orders": list(order.follow_up_orders.order_by("pk").only("pk", "number"))
        if order.status == S.RATED
        else [],
    }
    context["service_records"] = records = selectors.service_records(order)
    context["has_pending_hours"] = any(r.status == r.Status.PENDING for r in records)
    return render(request, "orders/station_order_detail.html", context)


@login_required
@require_POST
def station_order_action(request, pk: int, action: str):
    """Approve, reject, assign, cancel or follow up: one service each.

    Answers like the API: 404 outside the caller's sight, 403 for a volunteer who sees the order
    but does not administer it."""
    user = request.user
    order = _scoped(lambda: access.admin_order(user, pk))
    if action == "approve":
        _run(
            request,
            lambda: services.order_approve(order_id=order.pk, actor=user),
            _("已通过审核，开放接单。"),
        )
    elif action in ("reject", "cancel"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写原因。"))
        elif action == "reject":
            _run(
                request,
                lambda: services.order_reject(
                    order_id=order.pk, actor=user, reason=form.cleaned_data["reason"]
                ),
                _("已驳回，群众可在查询页看到原因。"),
            )
        else:
            _run(
                request,
                lambda: services.order_cancel(
                    order_id=order.pk, actor=user, reason=form.cleaned_data["reason"]
                ),
                _("点单已取消。"),
            )
    elif action == "assign":
        form = AssignForm(
            request.POST,
            volunteers=selectors.assignable_volunteers(order),
            teams=selectors.assignable_teams(order),
        )
        if not form.is_valid():
            errors = [m for msgs in form.errors.values() for m in msgs]
            messages.error(request, " ".join(errors))
        else:
            volunteer, team = form.cleaned_data["volunteer"], form.cleaned_data["team"]
            _run(
                request,
                lambda: services.order_assign(
                    order_id=order.pk,
                    actor=user,
                    volunteer_id=volunteer.pk if volunteer else None,
                    team_id=team.pk if team else None,
                ),
                _("已派单。"),
            )
    elif action == "follow-up":
        form = FollowUpForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写回访记录。"))
        else:
            reopen = form.cleaned_data["reopen"]
            _run(
                request,
                lambda: services.order_follow_up(
                    order_id=order.pk, actor=user, note=form.cleaned_data["note"], reopen=reopen
                ),
                _("已记录回访，并新开了关联点单。") if reopen else _("已记录回访。"),
            )
    elif action == "confirm-hours":
        _run(
            request,
            lambda: services.order_confirm_hours(order_id=order.pk, actor=user),
            _("已确认志愿者的服务时长。"),
        )
    else:
        raise Http404
    return redirect("orders:station_order_detail", pk=order.pk)

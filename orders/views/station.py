"""The station head's and town admin's pages: the order lists, an order's page and its actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.params import id_or_none
from orders import access, selectors, services
from orders.forms import (
    AssignForm,
    CompleteForm,
    FollowUpForm,
    ReasonForm,
)
from orders.models import Order
from orders.views.guards import PAGE_SIZE, run_service, scoped
from stations.models import Town, Village
from stations.scope import scope_for

S = Order.Status


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
    village_id = id_or_none(request.GET.get("village"))
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
    order = scoped(lambda: access.admin_order(user, pk))
    if action == "approve":
        run_service(
            request,
            lambda: services.order_approve(order_id=order.pk, actor=user),
            _("已通过审核，开放接单。"),
        )
    elif action in ("reject", "cancel"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写原因。"))
        elif action == "reject":
            run_service(
                request,
                lambda: services.order_reject(
                    order_id=order.pk, actor=user, reason=form.cleaned_data["reason"]
                ),
                _("已驳回，群众可在查询页看到原因。"),
            )
        else:
            run_service(
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
            run_service(
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
            run_service(
                request,
                lambda: services.order_follow_up(
                    order_id=order.pk, actor=user, note=form.cleaned_data["note"], reopen=reopen
                ),
                _("已记录回访，并新开了关联点单。") if reopen else _("已记录回访。"),
            )
    elif action == "confirm-hours":
        run_service(
            request,
            lambda: services.order_confirm_hours(order_id=order.pk, actor=user),
            _("已确认志愿者的服务时长。"),
        )
    else:
        raise Http404
    return redirect("orders:station_order_detail", pk=order.pk)

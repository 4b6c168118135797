"""The volunteer's pages: the dashboard, claiming an order, 登记完成 and 退单."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.params import id_or_none
from orders import access, selectors, services
from orders.forms import (
    CompleteForm,
    ReasonForm,
)
from orders.models import Order
from orders.views.guards import PAGE_SIZE, run_service, scoped
from volunteers import points as volunteer_points
from volunteers import selectors as volunteer_selectors


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
    category_id = id_or_none(request.GET.get("category"))
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
    claimed = run_service(
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
    order, _worker = scoped(lambda: access.worker_order(request.user, pk, denied=denied))
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
        run_service(
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
    run_service(
        request,
        lambda: services.order_release(
            order_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("已退单，该点单重新开放接单。"),
    )
    return _back(request, f"{reverse('orders:volunteer_dashboard')}?tab=mine")

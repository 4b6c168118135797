"""The resident's tracking page, reached by the link's token: view, cancel, rate."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.absolute_urls import absolute_url
from orders import selectors, services
from orders.forms import (
    OptionalReasonForm,
    RateForm,
)
from orders.next_step import next_step
from orders.views.guards import run_service


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
    run_service(
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
        run_service(
            request,
            lambda: services.order_rate(
                tracking_token=token,
                stars=form.cleaned_data["stars"],
                comment=form.cleaned_data["comment"],
            ),
            _("感谢您的评价！"),
        )
    return _private(redirect("orders:track", token=token))

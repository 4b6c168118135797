"""The public order form (点单) and its village picker, with and without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from core import phone as phone_numbers
from core import retry
from core.client_ip import client_ip
from core.errors import InvalidInput
from core.pages import render_shared
from orders import menu_cache, ratelimit, selectors, submission
from orders.forms import (
    OrderForm,
)
from stations import picker

TOO_OFTEN = gettext_lazy(
    "提交太频繁了，请 %(minutes)d 分钟后再试。如有急事，请直接联系村里的实践站。"
)


@never_cache
@sensitive_post_parameters("name", "phone")  # PIPL: kept out of error reports
@require_http_methods(["GET", "POST"])
def order_new(request):
    """Two steps that also work without JavaScript: pick the village, then fill in the order."""
    if request.method == "GET" and request.GET.get("village"):
        # The blank form is the same for every visitor without a login: rendered once per
        # process while the menu's generation (its items, the village's and town's names)
        # stays the same (core.pages), no query on a repeat.
        return render_shared(
            request,
            "orders/order_form.html",
            (menu_cache.generation(),),
            lambda: _blank_form_context(request),
        )
    village = picker.chosen(request)
    if village is None:
        return _village_picker(request)

    context = {"village": village, "duplicate_minutes": settings.WENMING_ORDER_DUPLICATE_MINUTES}
    menu_choices = selectors.menu_choices_for_village(village)

    form = OrderForm(request.POST, menu_choices=menu_choices)
    context.update(form=form, has_menu=bool(menu_choices))
    # The API's budget, counted the same way (orders.ratelimit): the address, then the phone.
    wait = ratelimit.check_order_submit(
        ip=client_ip(request), phone=phone_numbers.normalize(request.POST.get("phone"))
    )
    if wait:
        return retry.page(request, "orders/order_form.html", context, wait, TOO_OFTEN)
    if not form.is_valid():
        return render(request, "orders/order_form.html", context)
    data = form.cleaned_data
    menu_item = selectors.menu_items_for_village(village).filter(pk=data["menu_item"]).first()
    if menu_item is None:
        form.add_error("menu_item", _("该服务项不在所选村（社区）的实践菜单中。"))
        return render(request, "orders/order_form.html", context)
    try:
        result = submission.order_submit(
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
    except submission.DuplicateOrder as exc:
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


def _blank_form_context(request) -> dict | HttpResponse:
    village = picker.chosen(request)
    if village is None:
        return _village_picker(request)
    menu_choices = selectors.menu_choices_for_village(village)
    return {
        "village": village,
        "duplicate_minutes": settings.WENMING_ORDER_DUPLICATE_MINUTES,
        "form": OrderForm(menu_choices=menu_choices),
        "has_menu": bool(menu_choices),
    }


def _find_by_phone_url() -> str:
    """The "find my orders by phone" page, once it exists (issue 12); empty until then."""
    try:
        return reverse("orders:mine")
    except NoReverseMatch:
        return ""


def _village_picker(request):
    return picker.picker_page(
        request, template="orders/village_picker.html", next_url=reverse("orders:new")
    )


@require_GET
def village_options(request):
    """JSON for the village picker: ``?town=<id>`` or ``?q=<name or pinyin>`` → at most 200
    villages, and ``capped`` when there were more."""
    found = picker.search(request.GET)
    data = [
        {"id": v.pk, "name": v.name, "town": v.town.name, "town_id": v.town_id}
        for v in found.villages
    ]
    return JsonResponse({"villages": data, "capped": found.capped})

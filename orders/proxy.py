"""帮办点单: a helper of a village (village cadre, grid worker, station staff) places an order
for a resident who phoned or walked in, then prints a slip with the tracking QR code for them.

Who may is ``orders.access.proxy_villages``; the rules (consent, the helper in the timeline,
channel proxy) are ``orders.submission.order_submit_for_resident``. The slip shows the tracking
link, the resident's key to their order, so only the helper who placed the order gets it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from core import qr
from core.absolute_urls import absolute_url
from core.errors import InvalidInput, PermissionDenied
from core.params import id_or_none
from orders import access, selectors, submission
from orders.forms import ProxyOrderForm
from orders.models import Order

RECENT = 20
FIELDS = (
    "name",
    "phone",
    "description",
    "preferred_date",
    "preferred_window",
    "people",
    "target_group",
)


@never_cache
@login_required
@sensitive_post_parameters("name", "phone")
@require_http_methods(["GET", "POST"])
def proxy_new(request):
    """Pick one of the helper's villages (skipped when there is one), then the order form."""
    villages = list(access.proxy_villages(request.user))
    if not villages:
        raise DjangoPermissionDenied(_("只有村（社区）的帮办员可以代为点单，请联系实践站开通。"))
    village_id = id_or_none(request.POST.get("village") or request.GET.get("village"))
    if village_id is None and len(villages) == 1:
        village_id = villages[0].pk
    village = next((v for v in villages if v.pk == village_id), None)
    recent = list(
        Order.objects.filter(placed_by=request.user)
        .select_related("village", "menu_item")
        .order_by("-created_at", "-id")[:RECENT]
    )
    context = {"villages": villages, "village": village, "recent": recent}
    if village is None:
        if village_id is not None:
            messages.error(request, _("您不是该村（社区）的帮办员，不能代为点单。"))
        return render(request, "orders/proxy_form.html", context)

    menu_choices = selectors.menu_choices_for_village(village)
    context["has_menu"] = bool(menu_choices)
    if request.method == "GET":
        context["form"] = ProxyOrderForm(menu_choices=menu_choices)
        return render(request, "orders/proxy_form.html", context)

    form = context["form"] = ProxyOrderForm(request.POST, menu_choices=menu_choices)
    if not form.is_valid():
        return render(request, "orders/proxy_form.html", context, status=400)
    data = form.cleaned_data
    menu_item = selectors.menu_items_for_village(village).filter(pk=data["menu_item"]).first()
    if menu_item is None:
        form.add_error("menu_item", _("该服务项不在所选村（社区）的实践菜单中。"))
        return render(request, "orders/proxy_form.html", context, status=400)
    try:
        order = submission.order_submit_for_resident(
            actor=request.user,
            village=village,
            menu_item=menu_item,
            consent=data["consent"],
            **{key: data[key] for key in FIELDS},
        ).order
    except submission.DuplicateOrder as exc:
        context["duplicate"] = exc.message
        return render(request, "orders/proxy_form.html", context, status=409)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
    except InvalidInput as exc:
        if exc.fields:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            form.add_error(None, exc.message)
        if "consent" in exc.fields:
            context["refused"] = exc.message
        return render(request, "orders/proxy_form.html", context, status=400)
    messages.success(
        request,
        _("已代为点单，单号 %(number)s。请打印回执交给居民。") % {"number": order.number},
    )
    return redirect("orders:proxy_slip", pk=order.pk)


@never_cache
@login_required
@require_GET
def proxy_slip(request, pk: int):
    """The printable slip (回执) for the resident: the number, the service and the QR code of the
    tracking page. Only for the helper who placed the order (404 for anyone else)."""
    order = (
        Order.objects.filter(pk=pk, placed_by=request.user, channel=Order.Channel.PROXY)
        .select_related("village", "town", "menu_item")
        .first()
    )
    if order is None:
        raise Http404
    track_url = absolute_url(
        reverse("orders:track", kwargs={"token": order.tracking_token}), request
    )
    station = selectors.station_of(order.village_id)
    context = {
        "order": order,
        "track_url": track_url,
        "qr_svg": qr.svg(track_url, title=_("点单查询二维码")),
        "station": station,
    }
    response = render(request, "orders/proxy_slip.html", context)
    # The tracking link is the resident's key: never leak it in a Referer.
    response["Referrer-Policy"] = "same-origin"
    return response

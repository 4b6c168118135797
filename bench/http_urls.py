"""The app's URLs plus four bench views behind the same middleware, so that every path's
throughput can be read against what no page can go below:

- ``/bench/empty/``: does nothing; a request pays only for gunicorn, the middleware (session,
  locale, CSRF, auth, CSP, axes …) and the network. The ratios are to this one.
- ``/bench/signed-in/``: what every logged-in page pays before its own work (the session row
  and the user), the floor of the logged-in pages.
- ``/bench/page/``: a signed-in request that renders the site's frame (``base.html``: the
  header, the navigation by role, the inbox bell) around nothing, the floor of the logged-in
  HTML pages.
- ``/bench/page-query/``: the frame plus one query of a page's own (the ids of the newest 20
  orders): what one query adds to a signed-in HTML page, the floor of any page that reads
  anything beyond the session and the user.
- ``/bench/write/``: POST; the least an order submission writes (an order row and its first
  status row, in one transaction, with none of the checks, rate limits or notices): the floor of
  the order POST and of the claim.
"""

import secrets

from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as app_urlpatterns


def empty(request):
    return HttpResponse(b"ok", content_type="text/plain")


def signed_in(request):
    if not request.user.is_authenticated:
        return HttpResponse(b"login", status=403, content_type="text/plain")
    return HttpResponse(b"ok", content_type="text/plain")


_FRAME = None


def page(request):
    global _FRAME
    if not request.user.is_authenticated:
        return HttpResponse(b"login", status=403, content_type="text/plain")
    if _FRAME is None:
        from django.template import engines

        _FRAME = engines["django"].from_string(
            '{% extends "base.html" %}{% block content %}<p>ok</p>{% endblock %}'
        )
    return HttpResponse(_FRAME.render({}, request))


def page_query(request):
    if not request.user.is_authenticated:
        return HttpResponse(b"login", status=403, content_type="text/plain")
    from orders.models import Order

    ids = list(Order.objects.order_by("-id").values_list("id", flat=True)[:20])
    response = page(request)
    response["X-Rows"] = str(len(ids))  # the query's rows are used, as a page's would be
    return response


@csrf_exempt
@require_POST
def write(request):
    from orders.models import Order, OrderStatusChange

    ids = {k: int(request.GET[k]) for k in ("village", "town", "item", "category")}
    with transaction.atomic():
        order = Order.objects.create(
            number=f"B{secrets.token_hex(8)}",
            tracking_token=secrets.token_urlsafe(24),
            status=Order.Status.SUBMITTED,
            village_id=ids["village"],
            town_id=ids["town"],
            menu_item_id=ids["item"],
            category_id=ids["category"],
            name="压测",  # bench/http.py's cleanup deletes these
            phone="13900000000",
        )
        OrderStatusChange.objects.create(order=order, from_status="", to_status=order.status)
    return HttpResponse(b"ok", status=201, content_type="text/plain")


urlpatterns = [
    path("bench/empty/", empty),
    path("bench/signed-in/", signed_in),
    path("bench/page/", page),
    path("bench/page-query/", page_query),
    path("bench/write/", write),
    *app_urlpatterns,
]

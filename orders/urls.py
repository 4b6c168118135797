from django.urls import path

import orders.converters  # noqa: F401 - registers <tracking_token:…>
from orders import mine, proxy
from orders.views import public, station, tracking, volunteer

app_name = "orders"

urlpatterns = [
    path("orders/new/", public.order_new, name="new"),
    path("orders/villages/", public.village_options, name="village_options"),
    path("orders/mine/", mine.orders_mine, name="mine"),
    path("orders/proxy/", proxy.proxy_new, name="proxy"),
    path("orders/proxy/<int:pk>/slip/", proxy.proxy_slip, name="proxy_slip"),
    path("orders/t/<tracking_token:token>/", tracking.order_track, name="track"),
    path(
        "orders/t/<tracking_token:token>/cancel/", tracking.order_track_cancel, name="track_cancel"
    ),
    path("orders/t/<tracking_token:token>/rate/", tracking.order_track_rate, name="track_rate"),
    path("volunteer/", volunteer.volunteer_dashboard, name="volunteer_dashboard"),
    path("volunteer/orders/<int:pk>/claim/", volunteer.volunteer_claim, name="claim"),
    path("orders/<int:pk>/complete/", volunteer.order_complete, name="complete"),
    path("orders/<int:pk>/release/", volunteer.order_release, name="release"),
    path("station/orders/", station.station_orders, name="station_orders"),
    path("station/orders/<int:pk>/", station.station_order_detail, name="station_order_detail"),
    path(
        "station/orders/<int:pk>/<slug:action>/",
        station.station_order_action,
        name="station_order_action",
    ),
    path("town/orders/", station.town_orders, name="town_orders"),
]

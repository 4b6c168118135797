from django.urls import path

import orders.converters  # noqa: F401 - registers <tracking_token:…>
from orders import mine, proxy, views

app_name = "orders"

urlpatterns = [
    path("orders/new/", views.order_new, name="new"),
    path("orders/villages/", views.village_options, name="village_options"),
    path("orders/mine/", mine.orders_mine, name="mine"),
    path("orders/proxy/", proxy.proxy_new, name="proxy"),
    path("orders/proxy/<int:pk>/slip/", proxy.proxy_slip, name="proxy_slip"),
    path("orders/t/<tracking_token:token>/", views.order_track, name="track"),
    path("orders/t/<tracking_token:token>/cancel/", views.order_track_cancel, name="track_cancel"),
    path("orders/t/<tracking_token:token>/rate/", views.order_track_rate, name="track_rate"),
    path("volunteer/", views.volunteer_dashboard, name="volunteer_dashboard"),
    path("volunteer/orders/<int:pk>/claim/", views.volunteer_claim, name="claim"),
    path("orders/<int:pk>/complete/", views.order_complete, name="complete"),
    path("orders/<int:pk>/release/", views.order_release, name="release"),
    path("station/orders/", views.station_orders, name="station_orders"),
    path("station/orders/<int:pk>/", views.station_order_detail, name="station_order_detail"),
    path(
        "station/orders/<int:pk>/<slug:action>/",
        views.station_order_action,
        name="station_order_action",
    ),
    path("town/orders/", views.town_orders, name="town_orders"),
]

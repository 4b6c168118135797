"""Order workflow API routes, included at /api/ by config/api_urls.py."""

from django.urls import path

import orders.converters  # noqa: F401 - registers <tracking_token:…>
from orders.api import views

urlpatterns = [
    path("orders/", views.OrderListCreateView.as_view(), name="api-orders"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="api-order-detail"),
    path("orders/<int:pk>/claim/", views.ClaimView.as_view(), name="api-order-claim"),
    path("orders/<int:pk>/assign/", views.AssignView.as_view(), name="api-order-assign"),
    path("orders/<int:pk>/complete/", views.CompleteView.as_view(), name="api-order-complete"),
    path("orders/<int:pk>/release/", views.ReleaseView.as_view(), name="api-order-release"),
    path(
        "orders/<int:pk>/confirm-hours/",
        views.ConfirmHoursView.as_view(),
        name="api-order-confirm-hours",
    ),
    path("orders/<int:pk>/approve/", views.ApproveView.as_view(), name="api-order-approve"),
    path("orders/<int:pk>/reject/", views.RejectView.as_view(), name="api-order-reject"),
    path("orders/<int:pk>/cancel/", views.CancelView.as_view(), name="api-order-cancel"),
    path("orders/track/<tracking_token:token>/", views.TrackView.as_view(), name="api-order-track"),
    path(
        "orders/track/<tracking_token:token>/rate/",
        views.TrackRateView.as_view(),
        name="api-order-track-rate",
    ),
    path(
        "orders/track/<tracking_token:token>/cancel/",
        views.TrackCancelView.as_view(),
        name="api-order-track-cancel",
    ),
]

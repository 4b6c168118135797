"""The REST API under /api/: each app contributes its routes from ``<app>/api/urls.py``."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config.api_auth import RevokeAllView, TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/revoke-all/", RevokeAllView.as_view(), name="api-token-revoke-all"),
    path("", include("stations.api.urls")),
    path("", include("volunteers.api.urls")),
    path("", include("orders.api.menu")),
    path("", include("orders.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("reports/", include("reports.api.urls")),
    path("", include("events.api.urls")),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

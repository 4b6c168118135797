"""The REST API under /api/: each app contributes its routes from ``<app>/api/urls.py``."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config.api_auth import RevokeAllView, TokenView

# ReDoc's bundle injects two <style> elements as it loads (an empty one and its scrollbar CSS),
# before Redoc.init can hand it the CSP nonce; the policy allows exactly those two by hash, on
# this page only. A sidecar upgrade that changes them fails tests/portal/test_browser_csp.py.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]
redoc = csp_update({"style-src": REDOC_STYLE_HASHES})(
    SpectacularRedocView.as_view(url_name="api-schema")
)

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
    path("redoc/", redoc, name="api-redoc"),
    path("", include("notifications.api.urls")),
    path("", include("wishes.api.urls")),
]

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from core.api import not_found as api_not_found

admin.site.site_header = _("文明实践站管理")
admin.site.site_title = _("文明实践站管理")
admin.site.index_title = _("后台管理")


def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin): no 404 there."""
    return redirect(static_url("wenming/favicon.svg"), permanent=False)


urlpatterns = [
    # First: programs poll the API all day, and a path is resolved by trying patterns in order
    # (last here, an API path tried every page's patterns first: a quarter of the empty view).
    path("api/", include("config.api_urls")),
    path("favicon.ico", favicon),
    path("", include("portal.urls")),
    path("", include("orders.urls")),
    path("", include("volunteers.urls")),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("joining.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("reports.urls")),
    path("", include("privacy.urls")),
    path("", include("events.urls")),
    path("", include("posters.urls")),
    path("", include("wishes.urls")),
    path("", include("kiosk.urls")),
    path("", include("open311.urls")),
    # Last: any other /api/ URL is a 404 in the API's error shape, not an HTML page.
    re_path(r"^api/", api_not_found),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

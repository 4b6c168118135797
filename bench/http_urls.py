"""The app's URLs plus ``/bench/empty/``: a view that does nothing, so every request pays only
for gunicorn, the middleware (session, locale, CSRF, auth, CSP, axes …) and the network. The
bench reports each path's throughput as a share of this one's, measured in the same run."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def empty(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/empty/", empty), *app_urlpatterns]

from django.urls import re_path

from open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^open311/v2/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^open311/v2/services" + FMT, views.service_list, name="services"),
    re_path(
        r"^open311/v2/services/(?P<code>[^/.]{1,30})" + FMT,
        views.service_definition,
        name="service",
    ),
    re_path(r"^open311/v2/requests" + FMT, views.requests_, name="requests"),
    re_path(
        r"^open311/v2/requests/(?P<number>[^/.]{1,30})" + FMT,
        views.request_detail,
        name="request",
    ),
    re_path(r"^open311/", views.not_found),
]

from django.urls import path, register_converter

from events import views


class MonthSlug:
    """Anything up to a slash or dot: the view answers a malformed month with a clear 404."""

    regex = r"[^/.]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class QrFormat:
    regex = r"svg|png"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MonthSlug, "ym")
register_converter(QrFormat, "qrfmt")

app_name = "events"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/feed.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/<ym:ym>.ics", views.calendar_ics, name="calendar_ics"),
    path("calendar/<ym:ym>/", views.calendar_month, name="calendar_month"),
    path("calendar/<ym:ym>/print/", views.calendar_print, name="calendar_print"),
    path("plans/", views.plans, name="plans"),
    path("plans/<ym:ym>/", views.plan_month, name="plan_month"),
    path("plans/<ym:ym>/submit/", views.plan_submit, name="plan_submit"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("events/<int:pk>/qr.<qrfmt:fmt>", views.event_qr, name="event_qr"),
    path("events/<int:pk>/<slug:action>/", views.event_action, name="event_action"),
    path("checkin/station/<int:pk>/", views.station_checkin, name="station_checkin"),
    path("checkin/station/<int:pk>/qr.<qrfmt:fmt>", views.station_qr, name="station_qr"),
]

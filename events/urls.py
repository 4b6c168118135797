from django.urls import path, register_converter

from events.views import calendar, checkin, events, plans, reminders


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
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/feed.ics", calendar.calendar_feed, name="calendar_feed"),
    path("calendar/<ym:ym>.ics", calendar.calendar_ics, name="calendar_ics"),
    path("calendar/<ym:ym>/", calendar.calendar_month, name="calendar_month"),
    path("calendar/<ym:ym>/print/", calendar.calendar_print, name="calendar_print"),
    path("plans/", plans.plans, name="plans"),
    path("plans/<ym:ym>/", plans.plan_month, name="plan_month"),
    path("plans/<ym:ym>/print/", plans.plan_print, name="plan_print"),
    path("plans/<ym:ym>/submit/", plans.plan_submit, name="plan_submit"),
    path("plans/<ym:ym>/remind/", plans.plan_remind, name="plan_remind"),
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_new, name="event_new"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/checkin/", checkin.checkin, name="checkin"),
    path("events/<int:pk>/kiosk/", checkin.checkin_kiosk, name="checkin_kiosk"),
    path("events/<int:pk>/qr.<qrfmt:fmt>", checkin.event_qr, name="event_qr"),
    path("events/<int:pk>/<slug:action>/", events.event_action, name="event_action"),
    path("checkin/station/<int:pk>/", checkin.station_checkin, name="station_checkin"),
    path("checkin/station/<int:pk>/qr.<qrfmt:fmt>", checkin.station_qr, name="station_qr"),
    path("reminders/", reminders.reminders_subscribe, name="reminders"),
    path("reminders/off/<slug:token>/", reminders.reminders_unsubscribe, name="reminders_off"),
]

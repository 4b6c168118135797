import datetime as dt
import hashlib
import hmac
import http.server
import json
import threading

import icalendar
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from events import services, webhooks
from events.calendar import calendar_compile
from events.models import PublishedCalendar, WebhookDelivery
from events.tasks import compile_month
from tests.events.conftest import at

DEC = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        yield


@pytest.mark.django_db
def test_compile_is_idempotent_and_versions_changes(make_event, station_head):
    a = make_event(state="planned")
    make_event(state="published", start=at(2026, 12, 12, 14))
    make_event()  # a draft: not in the calendar
    first = calendar_compile(month=DEC)
    assert first.created and first.calendar.version == 1 and first.calendar.event_count == 2
    again = calendar_compile(month=DEC)
    assert not again.created and again.calendar.pk == first.calendar.pk
    assert PublishedCalendar.objects.filter(month=DEC).count() == 1

    services.event_update(user=station_head, event=a, title="改后的标题")
    second = calendar_compile(month=DEC)
    assert second.created and second.calendar.version == 2
    assert second.calendar.content_hash != first.calendar.content_hash

    def uids(cal):
        return {e["id"]: e["uid"] for e in json.loads(cal.json_text)["events"]}

    assert uids(first.calendar) == uids(second.calendar)
    assert uids(second.calendar)[a.pk] == f"event-{a.pk}@wenming"
    ics_uids = {
        str(v["UID"]) for v in icalendar.Calendar.from_ical(second.calendar.ics_text).walk("VEVENT")
    }
    assert ics_uids == set(uids(second.calendar).values())


@pytest.mark.django_db
def test_cancelled_event_stays_with_status_cancelled(make_event, station_head):
    event = make_event(state="published")
    calendar_compile(month=DEC)
    services.event_cancel(user=station_head, event=event, reason="暴雨")
    result = calendar_compile(month=DEC)
    assert result.created
    cal = icalendar.Calendar.from_ical(result.calendar.ics_text)
    [vevent] = cal.walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"
    assert str(vevent["UID"]) == f"event-{event.pk}@wenming"
    # A draft that is cancelled was never announced: it stays out.
    draft = make_event(start=at(2026, 12, 20, 9))
    services.event_cancel(user=station_head, event=draft, reason="不办了")
    assert not calendar_compile(month=DEC).created


@pytest.mark.django_db
def test_ics_has_required_properties(make_event):
    event = make_event(state="published", description="学习民法典")
    result = calendar_compile(month=DEC)
    cal = icalendar.Calendar.from_ical(result.calendar.ics_text)
    assert cal["VERSION"] == "2.0"
    assert "Wenming" in str(cal["PRODID"])
    assert "2026-12" in str(cal["X-WR-CALNAME"])
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Asia/Shanghai"
    [vevent] = cal.walk("VEVENT")
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION"):
        assert prop in vevent, prop
    assert vevent["SUMMARY"] == event.title
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent.get("CATEGORIES").cats == [event.category.name]
    assert vevent["DTSTART"].dt == event.start
    assert str(vevent["DTSTART"].dt.tzinfo) == "Asia/Shanghai"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert "团结村" in str(vevent["LOCATION"])


@pytest.mark.django_db
def test_month_boundaries_are_shanghai_midnight(make_event):
    # 23:30 on 30 Nov in Shanghai is 15:30 UTC: November. 00:15 on 1 Dec is 16:15 UTC 30 Nov:
    # December. 23:45 on 31 Dec (15:45 UTC): still December.
    nov_late = make_event(state="planned", start=at(2026, 11, 30, 23, 30), hours=0)
    dec_early = make_event(state="planned", start=at(2026, 12, 1, 0, 15), hours=1)
    dec_late = make_event(state="planned", start=at(2026, 12, 31, 23, 45), hours=0)
    jan = make_event(state="planned", start=at(2027, 1, 1, 0, 0), hours=1)
    ids = lambda month: {  # noqa: E731
        e["id"] for e in json.loads(calendar_compile(month=month).calendar.json_text)["events"]
    }
    assert ids(DEC) == {dec_early.pk, dec_late.pk}
    assert ids(dt.date(2026, 11, 1)) == {nov_late.pk}
    assert ids(dt.date(2027, 1, 1)) == {jan.pk}


@pytest.mark.django_db
def test_counts_by_town_and_category(make_event, city_admin, lecture_category):
    make_event(state="planned")
    make_event(state="planned", start=at(2026, 12, 3, 9))
    services.event_plan(
        user=city_admin,
        event=services.event_create(
            user=city_admin,
            title="全市活动",
            category=lecture_category,
            venue_address="龙泉广场",
            start=at(2026, 12, 5, 9),
            end=at(2026, 12, 5, 10),
        ),
    )
    cal = calendar_compile(month=DEC).calendar
    assert cal.counts_by_town == {"洪绪镇": 2, "全市": 1}
    assert cal.counts_by_category == {"文明宣讲": 3}


@pytest.mark.django_db
def test_crash_half_way_keeps_previous_version(make_event, station_head, monkeypatch):
    event = make_event(state="planned")
    calendar_compile(month=DEC)
    services.event_update(user=station_head, event=event, title="新")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("events.ical.render_ics", boom)
    with pytest.raises(RuntimeError):
        calendar_compile(month=DEC)
    assert list(PublishedCalendar.objects.values_list("version", flat=True)) == [1]
    monkeypatch.undo()
    assert calendar_compile(month=DEC).calendar.version == 2


@pytest.mark.django_db
def test_task_and_command(make_event, capsys, celery_eager):
    make_event(state="planned")
    result = compile_month.delay(2026, 12).get(timeout=10)
    assert result["created"] and result["version"] == 1
    call_command("compile_calendar", "2026-12", "--no-progress")
    assert "2026-12：无变化，仍为第 1 版" in capsys.readouterr().out
    with translation.override("en"):
        call_command("compile_calendar", "2026-12", "--no-progress")
    assert "2026-12: unchanged version 1" in capsys.readouterr().out
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("compile_calendar", "2026-13")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_compiles_publish_one_version(make_event):
    for day in range(1, 25):
        make_event(state="planned", start=at(2026, 12, day, 9))
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            results.append(calendar_compile(month=DEC))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sum(r.created for r in results) == 1
    assert PublishedCalendar.objects.filter(month=DEC).count() == 1


class _Hook(http.server.BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server():
    _Hook.received = []
    _Hook.status = 200
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, _Hook
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_webhook_posts_signed_json(
    make_event, hook_server, settings, django_capture_on_commit_callbacks, celery_eager
):
    server, handler = hook_server
    url = f"http://127.0.0.1:{server.server_port}/hook"
    settings.WENMING_CALENDAR_WEBHOOK_URLS = [url]
    settings.WENMING_CALENDAR_WEBHOOK_SECRET = "s3cret"
    make_event(state="planned")
    with django_capture_on_commit_callbacks(execute=True):
        cal = calendar_compile(month=DEC).calendar
    [(headers, body)] = handler.received
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Wenming-Signature"] == expected
    assert json.loads(body)["content_hash"] == cal.content_hash
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.attempts == 1


@pytest.mark.django_db
def test_webhook_failure_recorded_and_final(make_event, hook_server, settings):
    server, handler = hook_server
    handler.status = 500
    settings.WENMING_CALENDAR_WEBHOOK_URLS = [f"http://127.0.0.1:{server.server_port}/hook"]
    make_event(state="planned")
    calendar_compile(month=DEC)  # on_commit not run inside the test transaction
    delivery = WebhookDelivery.objects.get()
    assert not webhooks.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error == "HTTP 500"
    assert not webhooks.webhook_deliver(delivery_id=delivery.pk, final=True)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 2

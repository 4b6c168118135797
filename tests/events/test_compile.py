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

pytestmark = pytest.mark.usefixtures("november_20")

DEC = dt.date(2026, 12, 1)


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
def test_counts_by_town_and_category(make_event, create_event, city_admin):
    make_event(state="planned")
    make_event(state="planned", start=at(2026, 12, 3, 9))
    citywide = create_event(
        city_admin, title="全市活动", venue_address="龙泉广场", start=at(2026, 12, 5, 9), hours=1
    )
    services.event_plan(user=city_admin, event=citywide)
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
def test_task_and_command(make_event, capsys, eager_celery):
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
    make_event, hook_server, settings, django_capture_on_commit_callbacks, eager_celery
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


# --- issue #18: an edit that is undone is published too -------------------------------------

SUFFIX = "（改期）"


def _fresh(month=DEC) -> list[dict]:
    """What a compile would render now, without the stamps a compile adds."""
    from events import ical, selectors

    return [_content(ical.event_item(row)) for row in selectors.calendar_events(month)]


def _content(item: dict) -> dict:
    from events import ical

    return {k: v for k, v in item.items() if k not in ical.REVISION_KEYS}


def _vevents(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    return {str(v["UID"]): v for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def _served(client, village) -> dict:
    """Titles per UID as the page, the .ics (whole and filtered), the feed and the API serve them,
    plus the API's items; asserting they all agree with a fresh render of the month."""
    api = client.get("/api/calendars/2026-12/")
    assert api.status_code == 200
    body = api.json()
    assert [_content(item) for item in body["events"]] == _fresh()
    titles = {item["uid"]: item["title"] for item in body["events"]}
    local = {
        i["uid"]: i["title"] for i in body["events"] if (i["village"] or {}).get("id") == village.pk
    }
    for response, expected in (
        (client.get("/calendar/2026-12.ics"), titles),
        (client.get(f"/calendar/2026-12.ics?village={village.pk}"), local),
        (client.get("/calendar/feed.ics"), titles),
        (client.get(f"/calendar/feed.ics?village={village.pk}"), local),
    ):
        assert {uid: str(v["SUMMARY"]) for uid, v in _vevents(response).items()} == expected
    page = client.get("/calendar/2026-12/").content.decode()
    for title in titles.values():
        assert title in page
    assert (SUFFIX in page) == any(SUFFIX in t for t in titles.values())
    return body


def _stamps(client) -> dict[str, tuple[int, dt.datetime]]:
    """(SEQUENCE, LAST-MODIFIED) per UID in the month's .ics."""
    return {
        uid: (int(v["SEQUENCE"]), v["LAST-MODIFIED"].dt)
        for uid, v in _vevents(client.get("/calendar/2026-12.ics")).items()
    }


def _moved_forward(before: dict, after: dict, changed: set[str]) -> None:
    for uid in changed:
        assert after[uid][0] > before[uid][0], uid  # SEQUENCE
        assert after[uid][1] > before[uid][1], uid  # LAST-MODIFIED


@pytest.mark.django_db
def test_edit_undone_publishes_a_third_version_and_serves_it(
    client, make_event, station_head, tuanjie
):
    events = [make_event(state="published", start=at(2026, 12, d, 9)) for d in (3, 10, 17)]
    uids = {f"event-{e.pk}@wenming" for e in events}
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False) as clock:
        a1 = calendar_compile(month=DEC)
        served_a1 = _served(client, tuanjie)
        stamps_a1 = _stamps(client)
        assert {s[0] for s in stamps_a1.values()} == {0}

        clock.shift(dt.timedelta(minutes=5))
        for event in events:
            services.event_update(user=station_head, event=event, title=event.title + SUFFIX)
        b = calendar_compile(month=DEC)
        served_b = _served(client, tuanjie)
        assert all(e["title"].endswith(SUFFIX) for e in served_b["events"])
        stamps_b = _stamps(client)
        _moved_forward(stamps_a1, stamps_b, uids)

        clock.shift(dt.timedelta(minutes=5))
        for event in events:
            event.refresh_from_db()
            services.event_update(user=station_head, event=event, title=event.title[: -len(SUFFIX)])
        a2 = calendar_compile(month=DEC)
        served_a2 = _served(client, tuanjie)
        stamps_a2 = _stamps(client)
        _moved_forward(stamps_b, stamps_a2, uids)

        # Compiling again with nothing changed publishes nothing: "no change" is the latest only.
        again = calendar_compile(month=DEC)
    assert (a1.created, b.created, a2.created, again.created) == (True, True, True, False)
    assert [a1.calendar.version, b.calendar.version, a2.calendar.version] == [1, 2, 3]
    assert again.calendar.pk == a2.calendar.pk
    assert list(
        PublishedCalendar.objects.filter(month=DEC).order_by("version").values_list("version")
    ) == [(1,), (2,), (3,)]
    assert served_a2["version"] == 3
    assert [e["title"] for e in served_a2["events"]] == [e["title"] for e in served_a1["events"]]
    assert not any(SUFFIX in e["title"] for e in served_a2["events"])
    assert {e["sequence"] for e in served_a2["events"]} == {2}


@pytest.mark.django_db
def test_renamed_venue_and_back_republishes_with_stamps_moving_forward(
    client, make_event, tuanjie_station, tuanjie, city_admin, longquan_station
):
    """A station renamed and renamed back leaves the events' updated_at alone (and the clock is
    frozen here): the versions and the events' SEQUENCE and LAST-MODIFIED still move forward."""
    events = [make_event(state="planned", start=at(2026, 12, d, 9)) for d in (4, 11)]
    other = services.event_plan(
        user=city_admin,
        event=make_event(
            user=city_admin, organiser_position=longquan_station, start=at(2026, 12, 18, 9)
        ),
    )
    from stations.models import Position

    uids = {f"event-{e.pk}@wenming" for e in events}
    name = tuanjie_station.name
    versions, stamps = [], []
    for new_name in (name, name + "（新址）", name):
        Position.objects.filter(pk=tuanjie_station.pk).update(name=new_name)
        versions.append(calendar_compile(month=DEC).calendar.version)
        served = _served(client, tuanjie)
        assert all((new_name in e["location"]) for e in served["events"] if e["uid"] in uids), (
            served["events"]
        )
        stamps.append(_stamps(client))
    assert versions == [1, 2, 3]
    _moved_forward(stamps[0], stamps[1], uids)
    _moved_forward(stamps[1], stamps[2], uids)
    unchanged = f"event-{other.pk}@wenming"
    assert stamps[0][unchanged] == stamps[1][unchanged] == stamps[2][unchanged]


@pytest.mark.django_db
def test_edit_undone_through_the_celery_task_and_the_command(
    client, make_event, station_head, tuanjie, eager_celery, capsys
):
    event = make_event(state="published")
    title = event.title
    results = []
    # All within one frozen instant (an edit undone within the second): updated_at cannot tell
    # the first and the last state apart, only the comparison with the latest version can.
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        for new_title in (title, title + SUFFIX, title):
            services.event_update(user=station_head, event=event, title=new_title)
            results.append(compile_month.delay(2026, 12).get(timeout=10))
            assert _served(client, tuanjie)["events"][0]["title"] == new_title
        services.event_update(user=station_head, event=event, title=title + SUFFIX)
        call_command("compile_calendar", "2026-12", "--no-progress")
        assert "2026-12：已发布第 4 版" in capsys.readouterr().out
        services.event_update(user=station_head, event=event, title=title)
        call_command("compile_calendar", "2026-12", "--no-progress")
        assert "2026-12：已发布第 5 版" in capsys.readouterr().out
    assert [(r["version"], r["created"]) for r in results] == [(1, True), (2, True), (3, True)]
    assert results[0]["content_hash"] != results[2]["content_hash"]  # LAST-MODIFIED moved
    [vevent] = icalendar.Calendar.from_ical(client.get("/calendar/2026-12.ics").content).walk(
        "VEVENT"
    )
    assert int(vevent["SEQUENCE"]) == 4
    assert _served(client, tuanjie)["events"][0]["title"] == title


@pytest.mark.django_db
def test_edit_undone_through_the_nightly_beat_entry(
    client, make_event, station_head, tuanjie, eager_celery, settings
):
    from config.celery import app

    task = app.tasks[settings.CELERY_BEAT_SCHEDULE["events-recompile-current-month"]["task"]]
    event = make_event(state="published", start=at(2026, 12, 20, 9))
    title = event.title
    versions = []
    # 02:00 on 5 December: the nightly recompile's "current month" is December.
    with time_machine.travel(at(2026, 12, 5, 2, 0), tick=False):
        for new_title in (title, title + SUFFIX, title):
            services.event_update(user=station_head, event=event, title=new_title)
            result = task.delay().get(timeout=10)
            assert result["month"] == "2026-12" and result["created"]
            versions.append(result["version"])
            assert _served(client, tuanjie)["events"][0]["title"] == new_title
    assert versions == [1, 2, 3]


@pytest.mark.django_db
def test_a_save_that_changes_nothing_shown_publishes_nothing(make_event, station_head):
    event = make_event(state="published")
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False) as clock:
        first = calendar_compile(month=DEC)
        clock.shift(dt.timedelta(hours=1))
        services.event_update(user=station_head, event=event, title=event.title)
        again = calendar_compile(month=DEC)
    assert not again.created and again.calendar.pk == first.calendar.pk


@pytest.mark.django_db
def test_webhook_announces_each_version_and_never_a_superseded_one(
    make_event,
    station_head,
    hook_server,
    settings,
    django_capture_on_commit_callbacks,
    eager_celery,
):
    server, handler = hook_server
    settings.WENMING_CALENDAR_WEBHOOK_URLS = [f"http://127.0.0.1:{server.server_port}/hook"]
    event = make_event(state="published")
    title = event.title
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        for new_title in (title, title + SUFFIX, title):
            services.event_update(user=station_head, event=event, title=new_title)
            with django_capture_on_commit_callbacks(execute=True):
                calendar_compile(month=DEC)
    announced = [
        (h["X-Wenming-Version"], json.loads(b)["events"][0]["title"]) for h, b in handler.received
    ]
    assert announced == [("1", title), ("2", title + SUFFIX), ("3", title)]

    # A delivery of an older version that is retried after a newer one exists is not sent:
    # the receiver would be left with content that is no longer true.
    handler.received = []
    with time_machine.travel(at(2026, 11, 21, 10, 0), tick=False):
        services.event_update(user=station_head, event=event, title=title + SUFFIX)
        calendar_compile(month=DEC)  # v4; its delivery waits (on_commit not run)
        services.event_update(user=station_head, event=event, title=title)
        calendar_compile(month=DEC)  # v5
    stale = WebhookDelivery.objects.get(calendar__version=4)
    latest = WebhookDelivery.objects.get(calendar__version=5)
    assert webhooks.webhook_deliver(delivery_id=stale.pk)
    stale.refresh_from_db()
    assert stale.status == "superseded" and stale.attempts == 0
    assert handler.received == []
    assert webhooks.webhook_deliver(delivery_id=latest.pk)
    [(headers, body)] = handler.received
    assert headers["X-Wenming-Version"] == "5" and json.loads(body)["events"][0]["title"] == title
    webhooks.webhook_retry(delivery=stale)  # the admin's "retry" cannot resend it either
    stale.refresh_from_db()
    assert webhooks.webhook_deliver(delivery_id=stale.pk) and len(handler.received) == 1


@pytest.mark.parametrize(
    "text",
    ["讲座，在团结村；带上\\证件", "a,b;c\\d", "第一行\r\n第二行\n第三行\r末", r"字面 \N 换行", ""],
)
def test_ics_text_is_escaped_exactly_as_icalendar_escapes_it(text):
    """The VEVENT lines are written without icalendar's property objects: its escaping must be
    what a calendar app parses back to the organiser's words."""
    from events.ical import _text

    assert _text(text) == icalendar.vText(text).to_ical().decode()

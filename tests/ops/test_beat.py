"""Two beats started by mistake send each periodic task once per schedule slot."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from celery import Celery
from celery.beat import ScheduleEntry
from celery.schedules import crontab, schedule

from config import liveness
from config.beat import LockingScheduler, slot_lock

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _app(broker: str) -> Celery:
    app = Celery("beat-test", broker=broker, set_as_current=False)
    # Celery prefers a CELERY_BROKER_URL in the environment (CI has one) over broker=.
    app.conf.broker_write_url = broker
    app.conf.timezone = "Asia/Shanghai"
    app.conf.beat_schedule = {}
    return app


def _beat(app, tmp_path, name):
    return LockingScheduler(app=app, schedule_filename=str(tmp_path / f"{name}-schedule"))


def test_crontab_slot_is_the_due_minute_whatever_the_last_run():
    nightly = crontab(minute=30, hour=2)
    nightly.tz = SHANGHAI
    now = dt.datetime(2026, 11, 30, 2, 30, 0, 400000, tzinfo=SHANGHAI)
    nightly.nowfun = lambda: now
    # One beat ran yesterday on time, the other was started late last night.
    a = ScheduleEntry(name="nightly", schedule=nightly, last_run_at=now - dt.timedelta(days=1))
    b = ScheduleEntry(
        name="nightly",
        schedule=nightly,
        last_run_at=dt.datetime(2026, 11, 29, 23, 10, tzinfo=SHANGHAI),
    )
    assert slot_lock(a, now) == slot_lock(b, now)
    assert slot_lock(a, now)[0].endswith("nightly:20261130T0230+0800")


def test_two_beats_send_each_slot_once(redis_server, settings, tmp_path):
    settings.CELERY_BROKER_URL = redis_server.url(0)
    app = _app(redis_server.url(0))
    beats = [_beat(app, tmp_path, "a"), _beat(app, tmp_path, "b")]
    queue = "beat-test"
    every_minute = ScheduleEntry(
        name="sweep",
        task="wenming.test.noop",
        schedule=schedule(60),
        options={"queue": queue},
        app=app,
    )
    nightly_schedule = crontab(minute=30, hour=2, app=app)
    nightly = ScheduleEntry(
        name="nightly",
        task="wenming.test.noop",
        schedule=nightly_schedule,
        options={"queue": queue},
        last_run_at=app.now() - dt.timedelta(days=1),
        app=app,
    )
    conn = liveness.client()
    for entry in (every_minute, nightly):
        for beat in beats:
            beat.apply_entry(entry, producer=beat.producer)
    # One message per entry reached the queue, not two.
    assert conn.llen(queue) == 2
    # The interval lock lasts 0.9 of the interval: gone by the next run, whichever beat sends it.
    assert 50 <= conn.ttl("wenming:beat:slot:sweep") <= 54
    conn.delete("wenming:beat:slot:sweep")  # a minute later
    beats[1].apply_entry(every_minute, producer=beats[1].producer)
    beats[0].apply_entry(every_minute, producer=beats[0].producer)
    assert conn.llen(queue) == 3
    # Each tick records beat's last run for /readyz.
    conn.delete(liveness.BEAT_KEY)
    beats[0].tick()
    assert liveness.beat_seen(conn) is not None
    for beat in beats:
        beat.close()


def test_without_redis_broker_every_send_goes_ahead(settings):
    from config.beat import claim_slot

    settings.CELERY_BROKER_URL = ""
    entry = ScheduleEntry(name="sweep", schedule=schedule(60))
    assert claim_slot(entry, dt.datetime.now(tz=SHANGHAI)) is True

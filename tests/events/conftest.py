"""Fixtures for the events tests: events made through the services, at a fixed time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from events import services
from tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def november_20():
    """The clock stopped at 20 November 2026, 10:00 in Shanghai: December is next month's plan.
    Modules use it for every test (``pytest.mark.usefixtures("november_20")``); a test that
    needs another moment travels from there."""
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        yield


@pytest.fixture
def create_event(lecture_category):
    """``create_event(user, **fields)``: ``services.event_create`` as ``user``, with a title, the
    lecture category and 10 December 09:00 for two hours unless given (``hours=`` sets the length
    from ``start``). The one place the event-create tests spell out the call."""

    def create(user, **fields):
        start = fields.pop("start", at(2026, 12, 10, 9, 0))
        hours = fields.pop("hours", 2)
        return services.event_create(
            user=user,
            title=fields.pop("title", "民法典宣讲"),
            category=fields.pop("category", lecture_category),
            start=start,
            end=fields.pop("end", start + dt.timedelta(hours=hours)),
            **fields,
        )

    return create


@pytest.fixture
def make_event(create_event, station_head, tuanjie_station):
    """Create an event at 团结村's station through the service, optionally moving it on."""

    def make(*, state="draft", user=None, **kwargs):
        kwargs.setdefault("organiser_position", tuanjie_station)
        event = create_event(user or station_head, **kwargs)
        if state in ("planned", "done"):
            event = services.event_plan(user=station_head, event=event)
        if state == "published":
            event = services.event_publish(user=station_head, event=event)
        if state == "cancelled":
            event = services.event_plan(user=station_head, event=event)
            event = services.event_cancel(user=station_head, event=event, reason="下雨")
        return event

    return make


@pytest.fixture
def longquan_station(other_village):
    return f.StationFactory(village=other_village)

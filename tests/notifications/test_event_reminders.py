"""The day before an event, its volunteers are reminded, once."""

from decimal import Decimal

import time_machine

from events import reminders
from events.models import EventVolunteer
from notifications.kinds import Kind
from notifications.models import Notification
from tests.events.conftest import create_event, make_event  # noqa: F401 - fixtures
from tests.notifications.conftest import at


def test_volunteers_of_tomorrows_event_are_reminded_once(
    make_event,  # noqa: F811
    station_head,
    volunteer,
):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        tomorrow = make_event(state="published", start=at(2026, 12, 3, 9, 0))
        later = make_event(state="published", start=at(2026, 12, 4, 9, 0))
        draft = make_event(start=at(2026, 12, 3, 14, 0))
        for event in (tomorrow, later, draft):
            # Signed up (hours are confirmed only once the event has started).
            EventVolunteer.objects.create(event=event, volunteer=volunteer, hours=Decimal("2"))
    with time_machine.travel(at(2026, 12, 2, 18, 0), tick=False):
        assert reminders.event_remind_day_before() == 1
        assert reminders.event_remind_day_before() == 1  # rewritten: same cause, no new rows
    sent = Notification.objects.filter(kind=Kind.EVENT_REMINDER, recipient=volunteer.user)
    assert sorted(sent.values_list("channel", flat=True)) == ["inbox", "sms"]
    message = sent.get(channel="inbox")
    assert message.payload["start"] == "2026-12-03 09:00"
    assert message.payload["url"] == f"/events/{tomorrow.pk}/"
    assert "民法典宣讲" in message.title


def test_nobody_to_remind(make_event, volunteer):  # noqa: F811
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        make_event(state="published", start=at(2026, 12, 2, 9, 0))
        assert reminders.event_remind_day_before() == 0
    assert not Notification.objects.exists()

"""An event's volunteer list follows its volunteers' service records wherever a record is
confirmed or revoked: the event page, the organisers' overdue list, the API."""

from decimal import Decimal

import pytest
import time_machine

from events import services
from events.models import EventVolunteer
from reports import services as report_services
from reports.models import VillageMonthCategory
from tests.events.conftest import at
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_at_event(make_event, station_head, volunteer):
    """A done event at 团结村 where the organiser named the volunteer without confirming."""
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        event = make_event(state="published", start=at(2026, 11, 20, 8, 0), hours=1)
        services.event_complete(
            user=station_head,
            event=event,
            volunteers=[services.ServedVolunteer(volunteer.pk, Decimal("1.5"), confirmed=False)],
        )
    return event


def test_confirming_elsewhere_moves_the_event_row(as_user, pending_at_event, station_head, tuanjie):
    link = EventVolunteer.objects.get(event=pending_at_event)
    assert not link.hours_credited
    record = ServiceRecord.objects.get(source_kind="event", source_id=pending_at_event.pk)
    response = as_user(station_head).post(
        f"/api/service-records/{record.pk}/confirm/", {}, format="json"
    )
    assert response.status_code == 200
    link.refresh_from_db()
    assert link.confirmed and link.hours_credited and link.hours == Decimal("1.5")
    report_services.rebuild()
    assert sum(r.volunteer_hours for r in VillageMonthCategory.objects.filter(village=tuanjie)) == (
        Decimal("1.5")
    )
    as_user(station_head).post(
        f"/api/service-records/{record.pk}/revoke/", {"reason": "未到场"}, format="json"
    )
    link.refresh_from_db()
    assert not link.confirmed and not link.hours_credited

"""An order turned into an event (``event_from_order``) is one service's hours, counted once:
the order's record is the only one; the event lists the volunteer but adds no hours."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import InvalidTransition
from events import services
from events.models import EventVolunteer
from orders import services as order_services
from orders.models import Order
from reports import services as report_services
from reports.models import VillageMonthCategory
from reports.selectors.area import resolve_area
from reports.selectors.volunteers import volunteers as volunteers_report
from stations.scope import scope_for
from tests.orders.factories import order_in_state
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_order(tuanjie, menu_item, volunteer, tuanjie_station, station_head):
    order = order_in_state(
        Order.Status.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
    )
    order_services.order_confirm_hours(order_id=order.pk, actor=station_head)
    order.refresh_from_db()
    return order


def test_order_hours_count_once_after_it_becomes_an_event(
    confirmed_order, station_head, volunteer, tuanjie
):
    event = services.event_from_order(user=station_head, order=confirmed_order)
    link = EventVolunteer.objects.get(event=event)
    assert link.hours == Decimal("2.5") and link.confirmed and not link.hours_credited
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.5")
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1

    # The organiser cannot add the same hours again through the event.
    with pytest.raises(InvalidTransition, match="随点单确认"):
        services.event_volunteer_confirm(
            user=station_head, event=event, volunteer=volunteer, hours=Decimal("2.5")
        )
    with pytest.raises(InvalidTransition):
        services.event_volunteers_confirm_all(user=station_head, event=event)
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.5")
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1

    # The reports: the village's hours are the order's 2.5, not 5.0.
    report_services.rebuild()
    village_hours = sum(
        row.volunteer_hours for row in VillageMonthCategory.objects.filter(village=tuanjie)
    )
    assert village_hours == Decimal("2.5")
    month = timezone.localdate(confirmed_order.completed_at).replace(day=1)
    report = volunteers_report(resolve_area(scope_for(station_head)), month, month)
    assert report.totals.hours == 2.5


def test_event_page_of_an_order_offers_no_second_confirmation(
    client, confirmed_order, station_head, volunteer
):
    event = services.event_from_order(user=station_head, order=confirmed_order)
    client.force_login(station_head)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "志愿者时长随点单确认" in page
    assert "确认志愿者时长" not in page
    response = client.post(
        f"/events/{event.pk}/confirm/", {"volunteer": volunteer.pk, "hours": "2.5"}, follow=True
    )
    assert "随点单确认" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.5")

"""One eligibility rule (``orders.eligibility``) for events as for orders: a volunteer off the
register, or of another town, cannot sign up for an event (the organiser confirming them) nor
check in to it as a volunteer, through the pages and the API; hours never reach them that way.
A city-wide event (no town) is every active volunteer's area."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from core.errors import InvalidInput
from events import services
from events.models import CheckIn, EventVolunteer
from tests import factories as f
from tests.events.conftest import at

EVENT_DAY = at(2026, 12, 10, 9, 30)


REFUSED = [
    ("inactive_volunteer", "您的志愿者身份已不在册"),
    ("far_volunteer", "本活动不在您所在的镇（街道）"),
]


@pytest.mark.parametrize(("who", "message"), REFUSED)
def test_checkin_refused_through_the_api(who, message, make_event, as_user, request):
    volunteer = request.getfixturevalue(who)
    event = make_event(state="published")
    with time_machine.travel(EVENT_DAY, tick=False):
        response = as_user(volunteer.user).post(
            f"/api/events/{event.pk}/checkins/", {"as_volunteer": True}, format="json"
        )
    assert response.status_code == 403, response.content
    assert message in response.json()["detail"]
    assert not CheckIn.objects.filter(event=event).exists()
    assert not EventVolunteer.objects.filter(event=event).exists()


@pytest.mark.parametrize(("who", "message"), REFUSED)
def test_checkin_refused_on_the_page(who, message, make_event, client, request):
    volunteer = request.getfixturevalue(who)
    event = make_event(state="published")
    client.force_login(volunteer.user)
    with time_machine.travel(EVENT_DAY, tick=False):
        response = client.post(f"/events/{event.pk}/checkin/", {"as_volunteer": "1"})
    assert response.status_code == 403
    assert message in response.content.decode()
    assert not CheckIn.objects.filter(event=event).exists()
    assert not EventVolunteer.objects.filter(event=event).exists()


def test_active_volunteer_of_the_town_checks_in(make_event, volunteer, as_user):
    event = make_event(state="published")
    with time_machine.travel(EVENT_DAY, tick=False):
        response = as_user(volunteer.user).post(
            f"/api/events/{event.pk}/checkins/", {"as_volunteer": True}, format="json"
        )
    assert response.status_code == 201
    assert EventVolunteer.objects.get(event=event).volunteer == volunteer


def test_citywide_event_is_every_towns(make_event, far_volunteer, city_admin, as_user):
    start = at(2026, 12, 10, 9, 0)
    event = services.event_create(
        user=city_admin,
        title="全市志愿服务集中行动",
        category=f.ServiceCategoryFactory(name="环保", code="env"),
        start=start,
        end=start + dt.timedelta(hours=2),
        venue_address="龙泉广场",
    )
    assert event.town_id is None
    event = services.event_publish(user=city_admin, event=event)
    with time_machine.travel(EVENT_DAY, tick=False):
        response = as_user(far_volunteer.user).post(
            f"/api/events/{event.pk}/checkins/", {"as_volunteer": True}, format="json"
        )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("inactive_volunteer", "该志愿者已不在册"),
        ("far_volunteer", "只能登记本活动所在镇（街道）在册的志愿者"),
    ],
)
def test_signup_refused_through_the_api_and_the_page(
    who, message, make_event, station_head, as_user, client, request
):
    volunteer = request.getfixturevalue(who)
    event = make_event(state="published")
    response = as_user(station_head).post(
        f"/api/events/{event.pk}/volunteers/",
        {"volunteer": volunteer.pk, "hours": "2.0"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert message in response.json()["fields"]["volunteer"][0]
    client.force_login(station_head)
    page = client.post(
        f"/events/{event.pk}/confirm/", {"volunteer": volunteer.pk, "hours": "2.0"}, follow=True
    )
    assert message in page.content.decode()
    assert not EventVolunteer.objects.filter(event=event).exists()


def test_completion_refuses_an_ineligible_volunteer(
    make_event, station_head, volunteer, inactive_volunteer
):
    event = make_event(state="published")
    served = [
        services.ServedVolunteer(volunteer_id=volunteer.pk, hours=Decimal("2")),
        services.ServedVolunteer(volunteer_id=inactive_volunteer.pk, hours=Decimal("2")),
    ]
    with time_machine.travel(EVENT_DAY + dt.timedelta(hours=3), tick=False):
        with pytest.raises(InvalidInput) as exc:
            services.event_complete(user=station_head, event=event, volunteers=served)
    assert "volunteer" in exc.value.fields
    event.refresh_from_db()
    assert event.state == "published"
    inactive_volunteer.refresh_from_db()
    assert inactive_volunteer.hours_total == 0

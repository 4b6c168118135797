"""Each role lands on its own page after login (issue 16), and a station head's "today" page
shows the orders waiting for them, today's events with check-ins, and the plans' status."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from events.models import CheckIn, Event, MonthlyPlan
from orders.models import Order
from tests import factories as f
from tests.events.factories import SHANGHAI, EventFactory
from tests.orders.factories import order_in_state, submit_order

pytestmark = pytest.mark.django_db


def _login(client, user):
    response = client.post(
        reverse("login"), {"username": user.username, "password": f.PASSWORD}, follow=True
    )
    return response.redirect_chain[-1][0]


def test_volunteer_lands_on_the_dashboard(client, volunteer):
    assert _login(client, volunteer.user) == reverse("orders:volunteer_dashboard")


def test_station_head_lands_on_today(client, station_head):
    assert _login(client, station_head) == reverse("portal:today")


def test_town_admin_lands_on_the_towns_coverage(client, town_admin, hongxu):
    client.force_login(town_admin)
    response = client.get(reverse("portal:my_home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:coverage")
    assert "洪绪镇" in response.content.decode()


def test_city_admin_lands_on_the_citys_coverage(client, city_admin):
    assert _login(client, city_admin) == reverse("reports:coverage")


def test_a_login_with_no_role_lands_on_the_home_page(client, db):
    user = f.UserFactory(username="plain")
    assert _login(client, user) == reverse("portal:home")


def test_an_explicit_next_still_wins(client, volunteer):
    response = client.post(
        reverse("login") + "?next=/calendar/",
        {"username": volunteer.user.username, "password": f.PASSWORD, "next": "/calendar/"},
    )
    assert response.headers["Location"] == "/calendar/"


def test_a_station_head_who_is_also_a_volunteer_starts_from_the_station(
    client, station_head, tuanjie
):
    f.VolunteerFactory(user=station_head, home_village=tuanjie)
    assert _login(client, station_head) == reverse("portal:today")


def test_today_is_not_found_for_others(client, volunteer, town_admin):
    client.force_login(volunteer.user)
    assert client.get(reverse("portal:today")).status_code == 404
    client.force_login(town_admin)
    assert client.get(reverse("portal:today")).status_code == 404
    client.logout()
    assert client.get(reverse("portal:today")).status_code == 302  # to the login page


def test_today_refuses_post(client, station_head):
    client.force_login(station_head)
    assert client.post(reverse("portal:today")).status_code == 405


@time_machine.travel(dt.datetime(2026, 12, 10, 8, 0, tzinfo=SHANGHAI), tick=False)
def test_today_shows_waiting_orders_events_checkins_and_plans(
    client, station_head, tuanjie, tuanjie_station, neighbour_village, menu_item, volunteer
):
    waiting = submit_order(tuanjie, menu_item)
    open_order = order_in_state(Order.Status.OPEN, village=tuanjie, menu_item=menu_item)
    order_in_state(Order.Status.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    elsewhere = submit_order(neighbour_village, menu_item)
    today_event = EventFactory(
        title="今天的宣讲",
        village=tuanjie,
        organiser_position=tuanjie_station,
        start=dt.datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI),
        state=Event.State.PUBLISHED,
    )
    CheckIn.objects.create(event=today_event, name="李大娘", phone="13812341234")
    EventFactory(
        title="明天的活动",
        village=tuanjie,
        organiser_position=tuanjie_station,
        start=dt.datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI),
    )
    MonthlyPlan.objects.create(
        position=tuanjie_station,
        month=dt.date(2026, 12, 1),
        status=MonthlyPlan.Status.SUBMITTED,
        submitted_at=dt.datetime(2026, 11, 20, tzinfo=SHANGHAI),
    )
    client.force_login(station_head)
    html = client.get(reverse("portal:today")).content.decode()
    assert waiting.number in html and open_order.number in html
    assert elsewhere.number not in html
    assert "今天的宣讲" in html and "已签到 1 人" in html
    assert "明天的活动" not in html
    assert "2026-12" in html and "已提交" in html
    assert "2027-01" in html and "未提交" in html
    # The draft of the 11th sits in the submitted December plan: say it is not in the calendar.
    assert "1 项草稿尚未“列入计划”" in html


def test_today_query_count_does_not_grow(
    client, station_head, tuanjie, tuanjie_station, menu_item, django_assert_max_num_queries
):
    for _ in range(12):
        submit_order(tuanjie, menu_item)
    now = dt.datetime.now(tz=SHANGHAI)
    for i in range(6):
        EventFactory(
            village=tuanjie, organiser_position=tuanjie_station, start=now + dt.timedelta(minutes=i)
        )
    client.force_login(station_head)
    client.get(reverse("portal:today"))  # warm the session
    with django_assert_max_num_queries(14):
        assert client.get(reverse("portal:today")).status_code == 200

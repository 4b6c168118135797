"""Fake hours are impossible by the paths the issue names: another town's event, a past event,
a draft, anonymous check-in without the rotating code, an inactive volunteer, a double confirm.
Each refusal has a clear message and leaves no record."""

from decimal import Decimal

import pytest
import time_machine

from events import checkin_token, services
from events.models import CheckIn, Event, EventVolunteer
from tests import factories as f
from tests.events.conftest import at
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db

DURING = at(2026, 12, 10, 9, 30)  # make_event's default: 2026-12-10 09:00-11:00


@pytest.fixture
def other_town_event(make_event, other_village, other_town_admin, lecture_category):
    station = f.StationFactory(village=other_village)
    event = make_event(user=other_town_admin, organiser_position=station, title="龙泉宣讲")
    return services.event_publish(user=other_town_admin, event=event)


def volunteer_checkin(client, event):
    return client.post(f"/api/events/{event.pk}/checkins/", {"as_volunteer": True}, format="json")


def nothing_recorded(event):
    return (
        not CheckIn.objects.filter(event=event).exists()
        and not ServiceRecord.objects.filter(source_kind="event", source_id=event.pk).exists()
    )


def test_another_towns_event_is_refused(as_user, volunteer, other_town_event):
    with time_machine.travel(DURING, tick=False):
        response = volunteer_checkin(as_user(volunteer.user), other_town_event)
    assert response.status_code == 403
    assert "本活动不在您所在的镇（街道）" in response.json()["detail"]
    assert nothing_recorded(other_town_event)


def test_another_towns_event_is_fine_when_signed_up(
    as_user, volunteer, other_town_event, other_town_admin
):
    EventVolunteer.objects.create(event=other_town_event, volunteer=volunteer, hours=2)
    with time_machine.travel(DURING, tick=False):
        assert volunteer_checkin(as_user(volunteer.user), other_town_event).status_code == 201
    record = ServiceRecord.objects.get(source_id=other_town_event.pk)
    assert record.status == "pending"


def test_a_past_event_is_refused(as_user, volunteer, make_event):
    event = make_event(state="published")
    # Two hours after the end is the last moment; days later (or a minute late) nothing.
    for moment in (at(2026, 12, 10, 13, 1), at(2026, 12, 20, 9, 30)):
        with time_machine.travel(moment, tick=False):
            response = volunteer_checkin(as_user(volunteer.user), event)
        assert response.status_code == 409 and "签到已结束" in response.json()["detail"]
    with time_machine.travel(at(2026, 12, 10, 12, 59), tick=False):
        assert (
            volunteer_checkin(
                as_user(volunteer.user), make_event(state="published", title="b")
            ).status_code
            == 201
        )


def test_a_done_event_is_refused_even_inside_the_window(
    as_user, volunteer, make_event, station_head
):
    event = make_event(state="published")
    with time_machine.travel(DURING, tick=False):
        services.event_complete(user=station_head, event=event)
        response = volunteer_checkin(as_user(volunteer.user), event)
    assert response.status_code == 409 and "活动已结束" in response.json()["detail"]
    assert nothing_recorded(event)


def test_too_early_is_refused(as_user, volunteer, make_event):
    event = make_event(state="published")
    with time_machine.travel(at(2026, 12, 10, 7, 59), tick=False):
        response = volunteer_checkin(as_user(volunteer.user), event)
    assert response.status_code == 409 and "签到尚未开始" in response.json()["detail"]
    assert nothing_recorded(event)


@pytest.mark.parametrize("state", ["draft", "planned", "cancelled"])
def test_a_draft_planned_or_cancelled_event_is_refused(as_user, volunteer, make_event, state):
    event = make_event(state=state)
    with time_machine.travel(DURING, tick=False):
        response = volunteer_checkin(as_user(volunteer.user), event)
    # A draft does not exist for outsiders (404); the others say why (409).
    assert response.status_code == (404 if state == "draft" else 409)
    assert nothing_recorded(event)


def test_anonymous_without_the_rotating_code_is_refused(api, make_event):
    event = make_event(state="published")
    url = f"/api/events/{event.pk}/checkins/"
    with time_machine.travel(at(2026, 12, 9, 9, 30), tick=False):
        yesterdays_photo = checkin_token.make(event.pk)
    with time_machine.travel(DURING, tick=False):
        for token in ("", "garbage", "1.abc", yesterdays_photo, checkin_token.make(event.pk + 1)):
            body = {"name": "路人", "phone": "13812340000", "token": token}
            response = api.post(url, body, format="json")
            assert response.status_code == 400, token
            assert "签到码无效或已过期" in response.json()["detail"]
        # 80 anonymous check-ins without the code: attendance does not move.
        for n in range(80):
            api.post(url, {"name": "路人", "phone": f"138{n:08d}"}, format="json")
    assert Event.objects.get(pk=event.pk).attendance == 0
    assert nothing_recorded(event)


def test_the_code_expires_after_its_step_and_the_next(api, make_event, settings):
    event = make_event(state="published")
    url = f"/api/events/{event.pk}/checkins/"
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        token = checkin_token.make(event.pk)
    body = {"name": "李大娘", "phone": "13812341234", "token": token}
    with time_machine.travel(at(2026, 12, 10, 9, 11), tick=False):  # two steps later
        assert api.post(url, body, format="json").status_code == 400
    with time_machine.travel(at(2026, 12, 10, 9, 6), tick=False):  # the next step
        assert api.post(url, body, format="json").status_code == 201


def test_resident_rate_limits(api, make_event, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "checkin_phone": "2/hour",
            "checkin_ip": "5/hour",
        },
    }
    events = [make_event(state="published", title=f"e{n}") for n in range(7)]
    with time_machine.travel(DURING, tick=False):
        codes = []
        for event in events:
            body = {"name": "李", "phone": "13812341234", "token": checkin_token.make(event.pk)}
            codes.append(
                api.post(f"/api/events/{event.pk}/checkins/", body, format="json").status_code
            )
    assert codes[:2] == [201, 201] and codes[2] == 429
    assert CheckIn.objects.count() == 2


def test_an_inactive_volunteer_is_refused(as_user, volunteer, make_event):
    volunteer.is_active = False
    volunteer.save()
    event = make_event(state="published")
    EventVolunteer.objects.create(event=event, volunteer=volunteer, hours=2)  # even if signed up
    with time_machine.travel(DURING, tick=False):
        response = volunteer_checkin(as_user(volunteer.user), event)
    assert response.status_code == 403 and "不在册" in response.json()["detail"]
    assert nothing_recorded(event)


def test_a_double_confirm_is_no_double_credit(client, volunteer, make_event, station_head):
    event = make_event(state="published")
    client.force_login(volunteer.user)
    with time_machine.travel(DURING, tick=False):
        client.post(f"/events/{event.pk}/checkin/", {"as_volunteer": "1"})
        volunteer.refresh_from_db()
        assert volunteer.hours_total == 0  # self check-in: pending
        client.force_login(station_head)
        page = client.get(f"/events/{event.pk}/").content.decode()
        assert "全部确认" in page
        client.post(f"/events/{event.pk}/confirm-all/")
        client.post(f"/events/{event.pk}/confirm-all/")
        client.post(f"/events/{event.pk}/confirm/", {"volunteer": volunteer.pk, "hours": "2.0"})
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.0")
    record = ServiceRecord.objects.get(source_id=event.pk)
    assert record.status == "confirmed" and record.confirmed_by == station_head
    assert record.changes.filter(action="confirm").count() == 1


def test_a_volunteer_cannot_confirm_their_own_hours(
    as_user, volunteer, make_event, tuanjie_station
):
    """Even the station head who is also a volunteer: someone else must confirm."""
    from stations.models import Role

    Role.objects.create(
        user=volunteer.user,
        kind=Role.Kind.STATION_HEAD,
        city=tuanjie_station.city,
        position=tuanjie_station,
    )
    event = make_event(state="published")
    client = as_user(volunteer.user)
    with time_machine.travel(DURING, tick=False):
        volunteer_checkin(client, event)
        assert (
            client.post(f"/api/events/{event.pk}/volunteers/confirm-all/").json()["confirmed"] == 0
        )
        response = client.post(
            f"/api/events/{event.pk}/volunteers/",
            {"volunteer": volunteer.pk, "hours": "2"},
            format="json",
        )
    assert response.status_code == 403
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 0


def test_window_settings(as_user, volunteer, make_event, settings):
    settings.WENMING_CHECKIN_OPENS_MINUTES = 10
    event = make_event(state="published")
    with time_machine.travel(at(2026, 12, 10, 8, 45), tick=False):
        assert volunteer_checkin(as_user(volunteer.user), event).status_code == 409
    with time_machine.travel(at(2026, 12, 10, 8, 55), tick=False):
        assert volunteer_checkin(as_user(volunteer.user), event).status_code == 201

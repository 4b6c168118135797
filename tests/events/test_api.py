import datetime as dt

import pytest
import time_machine

from events import checkin_token
from events.calendar import calendar_compile
from events.models import CheckIn, Event, MonthlyPlan
from tests import factories as f
from tests.events.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]


@pytest.fixture
def many_events(lecture_category, theory_platform):
    """40 published events in 40 villages of 4 towns, and 5 drafts: enough to show an N+1."""
    events = []
    for n in range(40):
        village = f.VillageFactory(town=f.TownFactory(name=f"镇{n % 4}"))
        station = f.StationFactory(village=village)
        events.append(
            Event.objects.create(
                title=f"活动{n}",
                category=lecture_category,
                platform=theory_platform if n % 2 else None,
                town=village.town,
                village=village,
                organiser_position=station,
                venue_position=station,
                start=at(2026, 12, 1 + n % 28, 9),
                end=at(2026, 12, 1 + n % 28, 10),
                state=Event.State.PUBLISHED if n < 35 else Event.State.DRAFT,
            )
        )
    return events


def test_event_list_query_count_and_drafts_hidden(client, many_events, django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page
        response = client.get("/api/events/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 35
    first = body["results"][0]
    assert first["uid"] == f"event-{first['id']}@wenming"
    assert first["category"]["name"] == "文明宣讲"


def test_event_list_filters(client, many_events, theory_platform):
    town = many_events[0].town
    assert client.get(f"/api/events/?town={town.pk}").json()["count"] == sum(
        1 for e in many_events if e.town_id == town.pk and e.state != "draft"
    )
    village = many_events[1].village
    assert client.get(f"/api/events/?village={village.pk}").json()["count"] == 1
    assert client.get(f"/api/events/?platform={theory_platform.pk}").json()["count"] == 17
    assert client.get("/api/events/?date_from=2026-12-01&date_to=2026-12-01").json()["count"] == 2
    assert client.get("/api/events/?state=draft").json()["count"] == 0


def test_event_list_bad_filter_is_400_in_error_shape(client, many_events):
    response = client.get("/api/events/?date_from=yesterday")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "date_from" in body["fields"]
    assert client.get("/api/events/?state=bogus").status_code == 400
    assert client.get("/api/events/?town=abc").status_code == 400


def test_admin_sees_own_drafts(client, city_admin, many_events):
    client.force_login(city_admin)
    assert client.get("/api/events/?state=draft").json()["count"] == 5


def test_calendar_json(client, many_events):
    calendar_compile(month=dt.date(2026, 12, 1))
    body = client.get("/api/calendars/2026-12/").json()
    assert body["event_count"] == 35 and body["month"] == "2026-12"
    assert len(body["events"]) == 35


def test_plans_api(client, station_head, town_admin, tuanjie_station, make_event):
    make_event(start=at(2026, 12, 3, 9))
    client.force_login(town_admin)
    rows = client.get("/api/plans/2026-12/").json()["results"]
    assert rows == [
        {
            "position": {"id": tuanjie_station.pk, "name": tuanjie_station.name},
            "town": {"id": tuanjie_station.town_id, "name": "洪绪镇"},
            "event_count": 1,
            "status": "missing",
            "submitted_at": None,
        }
    ]
    client.force_login(station_head)
    response = client.post(
        "/api/plans/2026-12/submit/",
        {"position": tuanjie_station.pk},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "submitted"
    again = client.post(
        "/api/plans/2026-12/submit/",
        {"position": tuanjie_station.pk},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert MonthlyPlan.objects.count() == 1


def test_plans_api_rejections(
    client, station_head, volunteer_user, longquan_station, tuanjie_station
):
    assert client.get("/api/plans/2026-12/").status_code == 401
    client.force_login(volunteer_user)
    assert client.get("/api/plans/2026-12/").status_code == 404
    client.force_login(station_head)
    assert client.get("/api/plans/2026-13/").status_code == 404
    other = client.post(
        "/api/plans/2026-12/submit/",
        {"position": longquan_station.pk},
        content_type="application/json",
    )
    assert other.status_code == 404
    empty = client.post(
        "/api/plans/2026-12/submit/",
        {"position": tuanjie_station.pk},
        content_type="application/json",
    )
    assert empty.status_code == 400 and empty.json()["detail"] == "计划中至少需要一项活动。"
    bad = client.post("/api/plans/2026-12/submit/", {}, content_type="application/json")
    assert bad.status_code == 400 and "position" in bad.json()["fields"]


def test_checkin_api(client, make_event):
    event = make_event(state="published", start=at(2026, 11, 20, 9))
    url = f"/api/events/{event.pk}/checkins/"
    with time_machine.travel(at(2026, 11, 20, 9, 30), tick=False):
        data = {"name": "李大娘", "phone": "13812341234", "token": checkin_token.make(event.pk)}
        first = client.post(url, data, content_type="application/json")
        assert first.status_code == 201 and first.json() == {
            "created": True,
            "attendance": 1,
            "checkins": 1,
        }
        again = client.post(url, data, content_type="application/json")
        assert again.status_code == 200 and again.json()["created"] is False
        bad = client.post(url, {"name": "李", "phone": "1381234"}, content_type="application/json")
        assert bad.status_code == 400 and "phone" in bad.json()["fields"]
        no_code = client.post(
            url, {"name": "王", "phone": "13812349999"}, content_type="application/json"
        )
        assert no_code.status_code == 400 and "token" in no_code.json()["fields"]
        anon_volunteer = client.post(url, {"as_volunteer": True}, content_type="application/json")
        assert anon_volunteer.status_code == 400
        draft = make_event()
        assert (
            client.post(
                f"/api/events/{draft.pk}/checkins/", data, content_type="application/json"
            ).status_code
            == 404
        )
    # The same code the next day (yesterday's photo of the QR): refused, and the event is over.
    with time_machine.travel(at(2026, 11, 21, 9, 30), tick=False):
        late = client.post(
            url,
            {"name": "王", "phone": "13812349999", "token": data["token"]},
            content_type="application/json",
        )
        assert late.status_code == 409
    assert CheckIn.objects.filter(event=event).count() == 1


def test_checkin_api_future_event_is_409(client, make_event):
    event = make_event(state="published")
    response = client.post(
        f"/api/events/{event.pk}/checkins/",
        {"name": "李大娘", "phone": "13812341234"},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_schema_includes_events_endpoints(client, superuser):
    client.force_login(superuser)
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/calendars/{ym}/", "/api/events/", "/api/plans/{ym}/submit/"):
        assert path in schema["paths"], path


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("town=1.5", 400),
        ("town=99999999999999999999", 400),
        ("village=-1", 400),
        ("category=1e400", 400),
        ("date_from=0001-01-01&date_to=9999-12-31", 400),  # dates are 2000-2100 everywhere
        ("date_from=2000-01-01&date_to=2100-12-31", 200),
        ("state=draft&state=done", 200),
        ("page=999", 404),
        ("ordering=-start", 200),
        ("ordering=bogus", 200),  # an unknown ordering is ignored, as DRF does
    ],
)
def test_event_list_odd_queries_never_500(client, many_events, query, status):
    assert client.get(f"/api/events/?{query}").status_code == status


def test_odd_ids_never_500(client, station_head):
    client.force_login(station_head)
    huge = 10**20
    assert client.get(f"/api/events/{huge}/").status_code == 404
    assert (
        client.post(
            f"/api/events/{huge}/checkins/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    response = client.post(
        "/api/plans/2026-12/submit/", {"position": huge}, content_type="application/json"
    )
    assert response.status_code == 400  # beyond a bigint: bad input, before any lookup
    assert "position" in response.json()["fields"]

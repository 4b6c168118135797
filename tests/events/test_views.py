import datetime as dt
import json
import re

import icalendar
import pytest
import time_machine
from django.urls import reverse

from events import checkin_token, plans, services
from events.calendar import calendar_compile
from events.models import CheckIn, Event, MonthlyPlan
from tests import factories as f
from tests.events.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]


@pytest.fixture
def december(make_event, create_event, city_admin, other_village):
    """A compiled December: events in two towns, one cancelled, one draft (not shown)."""
    events = [
        make_event(state="planned", start=at(2026, 12, 1, 0, 10)),
        make_event(state="published", start=at(2026, 12, 31, 23, 30), hours=0),
        make_event(state="cancelled", start=at(2026, 12, 15, 19)),
    ]
    make_event(start=at(2026, 12, 16, 9))  # draft
    other = create_event(
        city_admin,
        title="龙泉社区健身操",
        category=f.ServiceCategoryFactory(name="健体", code="fitness"),
        village=other_village,
        venue_address="社区广场",
        start=at(2026, 12, 5, 8),
        end=at(2026, 12, 5, 9),
    )
    events.append(services.event_publish(user=city_admin, event=other))
    make_event(state="planned", start=at(2027, 1, 1, 0, 0))  # January
    calendar_compile(month=dt.date(2026, 12, 1))
    return events


def page_ids(response) -> set[int]:
    return {int(x) for x in re.findall(r'data-event-id="(\d+)"', response.content.decode())}


def ics_ids(text: str) -> set[int]:
    cal = icalendar.Calendar.from_ical(text)
    return {int(str(v["UID"]).split("-")[1].split("@")[0]) for v in cal.walk("VEVENT")}


def test_page_ics_and_json_list_the_same_events(client, december):
    expected = {e.pk for e in december}
    page = client.get("/calendar/2026-12/")
    assert page.status_code == 200
    assert page_ids(page) == expected
    ics = client.get("/calendar/2026-12.ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert ics_ids(ics.content.decode()) == expected
    api = client.get("/api/calendars/2026-12/")
    assert api.status_code == 200
    body = api.json()
    assert {e["id"] for e in body["events"]} == expected
    assert {e["uid"] for e in body["events"]} == {f"event-{pk}@wenming" for pk in expected}
    assert body["version"] == 1 and len(body["content_hash"]) == 64
    printable = client.get("/calendar/2026-12/print/")
    assert page_ids(printable) == expected


def test_filters_agree_between_page_and_ics(client, december, tuanjie, hongxu):
    tuanjie_ids = {e.pk for e in december if e.village_id == tuanjie.pk}
    page = client.get(f"/calendar/2026-12/?town={hongxu.pk}&village={tuanjie.pk}")
    assert page_ids(page) == tuanjie_ids
    ics = client.get(f"/calendar/2026-12.ics?village={tuanjie.pk}")
    assert ics_ids(ics.content.decode()) == tuanjie_ids
    category = december[-1].category
    page = client.get(f"/calendar/2026-12/?category={category.pk}")
    assert page_ids(page) == {december[-1].pk}


def test_feed_for_a_village_is_subscribable(client, december, tuanjie):
    response = client.get(f"/calendar/feed.ics?village={tuanjie.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    assert "团结村" in str(cal["X-WR-CALNAME"])
    assert ics_ids(response.content.decode()) == {
        e.pk for e in december if e.village_id == tuanjie.pk
    }


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/calendar/2026-13/", 404),
        ("/calendar/26-1/", 404),
        ("/calendar/2026-13.ics", 404),
        ("/calendar/2027-06.ics", 404),  # not published
        ("/calendar/2026-12/?town=abc", 400),
        ("/calendar/2026-12/?town=999999", 400),
        ("/calendar/2026-12/?category=-1", 400),
        ("/calendar/feed.ics?village=x", 400),
        ("/calendar/feed.ics?village=999999", 400),
        ("/api/calendars/2026-13/", 404),
        ("/api/calendars/2027-06/", 404),
    ],
)
def test_bad_month_or_filter_is_a_clear_error(client, december, url, status):
    response = client.get(url)
    assert response.status_code == status
    if url.startswith("/api/"):
        body = response.json()
        assert set(body) == {"detail", "code", "fields"} and body["detail"]


def test_village_outside_town_is_400(client, december, longquan, tuanjie):
    response = client.get(f"/calendar/2026-12/?town={longquan.pk}&village={tuanjie.pk}")
    assert response.status_code == 400
    assert "不属于该镇街" in response.content.decode()


def test_calendar_post_not_allowed(client, december):
    assert client.post("/calendar/2026-12/").status_code == 405


def test_unpublished_month_page_says_so(client):
    response = client.get("/calendar/2027-03/")
    assert response.status_code == 200
    assert "尚未发布" in response.content.decode()


def test_current_month_calendar_is_the_nav_target(client):
    assert reverse("events:calendar") == "/calendar/"
    assert client.get("/calendar/").status_code == 200


def test_calendar_page_query_count_is_constant(
    client, station_head, lecture_category, django_assert_num_queries
):
    for n in range(30):
        village = f.VillageFactory()
        station = f.StationFactory(village=village)
        event = Event.objects.create(
            title=f"活动{n}",
            category=lecture_category,
            town=village.town,
            village=village,
            organiser_position=station,
            venue_position=station,
            start=at(2026, 12, 1 + n % 28, 9),
            end=at(2026, 12, 1 + n % 28, 10),
            state=Event.State.PUBLISHED,
        )
        assert event
    calendar_compile(month=dt.date(2026, 12, 1))
    town = village.town
    # calendar version, towns, categories (+ town filter lookup and its villages); the first
    # view of a version also reads its JSON, which each worker then keeps, and the filter
    # choices are kept in the shared cache; the page is kept whole while no version is
    # published: a repeat view (no login) reads nothing.
    with django_assert_num_queries(4):
        assert client.get("/calendar/2026-12/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/calendar/2026-12/").status_code == 200
    with django_assert_num_queries(5):
        assert client.get(f"/calendar/2026-12/?town={town.pk}").status_code == 200


def test_plan_page_for_station_head_and_submit(client, station_head, make_event, tuanjie_station):
    make_event(start=at(2026, 12, 3, 9))
    client.force_login(station_head)
    response = client.get("/plans/")
    assert response.status_code == 302 and response["Location"].endswith("/plans/2026-12/")
    page = client.get("/plans/2026-12/")
    assert page.status_code == 200 and "提交本月计划" in page.content.decode()
    assert client.get("/plans/2026-12/submit/").status_code == 405
    response = client.post("/plans/2026-12/submit/", {"position": tuanjie_station.pk})
    assert response.status_code == 302
    plan = MonthlyPlan.objects.get()
    assert plan.status == "submitted"
    # Again: a message, no second plan.
    client.post("/plans/2026-12/submit/", {"position": tuanjie_station.pk}, follow=True)
    assert MonthlyPlan.objects.count() == 1


def test_plan_submit_for_other_station_is_404(client, station_head, longquan_station):
    client.force_login(station_head)
    response = client.post("/plans/2026-12/submit/", {"position": longquan_station.pk})
    assert response.status_code == 404


def test_town_admin_sees_missing_stations(
    client, town_admin, tuanjie_station, neighbour_village, station_head, make_event
):
    f.StationFactory(village=neighbour_village)
    make_event(start=at(2026, 12, 3, 9))
    plans.plan_submit(user=station_head, position=tuanjie_station, month=dt.date(2026, 12, 1))
    client.force_login(town_admin)
    page = client.get("/plans/2026-12/").content.decode()
    assert "1 / 2" in page and "前进村新时代文明实践站" in page
    assert "2026年11月20日" in page  # due day from settings.WENMING_PLAN_DUE_DAY


def test_plans_need_an_admin_login(client, volunteer_user):
    assert client.get("/plans/2026-12/").status_code == 302  # to login
    client.force_login(volunteer_user)
    assert client.get("/plans/2026-12/").status_code == 404


def test_station_head_creates_event_through_form(client, station_head, lecture_category):
    client.force_login(station_head)
    assert client.get("/events/new/?month=2026-12").status_code == 200
    response = client.post(
        "/events/new/",
        {
            "title": "冬季送温暖",
            "category": lecture_category.pk,
            "start": "2026-12-08T09:00",
            "end": "2026-12-08T11:00",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="冬季送温暖")
    assert event.state == "draft" and event.start == at(2026, 12, 8, 9)
    bad = client.post(
        "/events/new/",
        {
            "title": "x",
            "category": lecture_category.pk,
            "start": "2026-12-08T09:00",
            "end": "2026-12-08T08:00",
        },
    )
    assert bad.status_code == 200 and "结束时间不能早于开始时间" in bad.content.decode()


def test_event_actions_by_url(client, station_head, other_town_admin, make_event):
    event = make_event()
    client.force_login(other_town_admin)
    assert client.post(f"/events/{event.pk}/publish/").status_code == 404
    assert client.get(f"/events/{event.pk}/").status_code == 404  # a draft outside the area
    client.force_login(station_head)
    assert client.get(f"/events/{event.pk}/publish/").status_code == 405
    client.post(f"/events/{event.pk}/publish/")
    assert Event.objects.get(pk=event.pk).state == "published"
    response = client.post(f"/events/{event.pk}/publish/", follow=True)
    assert "当前状态不允许" in response.content.decode()
    client.post(f"/events/{event.pk}/cancel/", {"reason": ""})
    assert Event.objects.get(pk=event.pk).state == "published"
    client.post(f"/events/{event.pk}/cancel/", {"reason": "大雪"})
    assert Event.objects.get(pk=event.pk).state == "cancelled"
    assert client.post(f"/events/{event.pk}/explode/").status_code == 404


def test_public_event_page_and_qr(client, make_event):
    event = make_event(state="published")
    page = client.get(f"/events/{event.pk}/")
    assert page.status_code == 200
    # No WENMING_SITE_URL: the address the visitor used (core.absolute_urls).
    assert f"http://testserver/events/{event.pk}/checkin/" in page.content.decode()
    svg = client.get(f"/events/{event.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(f"/events/{event.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert client.get(f"/events/{event.pk}/qr.gif").status_code == 404


def test_station_qr_and_station_checkin(client, tuanjie_station, make_event):
    svg = client.get(f"/checkin/station/{tuanjie_station.pk}/qr.svg")
    assert svg.status_code == 200 and b"<svg" in svg.content
    event = make_event(state="published", start=at(2026, 11, 20, 14))
    response = client.get(f"/checkin/station/{tuanjie_station.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/checkin/"


def test_resident_checkin_by_url(client, make_event):
    event = make_event(state="published", start=at(2026, 11, 20, 9))
    token = checkin_token.make(event.pk)
    page = client.get(f"/events/{event.pk}/checkin/?t={token}")
    assert page.status_code == 200 and f'value="{token}"' in page.content.decode()
    data = {"name": "李大娘", "phone": "13812341234", "token": token}
    first = client.post(f"/events/{event.pk}/checkin/", data, follow=True)
    assert "签到成功" in first.content.decode()
    again = client.post(f"/events/{event.pk}/checkin/", data, follow=True)
    assert "无需重复签到" in again.content.decode()
    assert CheckIn.objects.filter(event=event).count() == 1
    event.refresh_from_db()
    assert event.attendance == 1
    bad = client.post(f"/events/{event.pk}/checkin/", {"name": "李", "phone": "123"})
    assert bad.status_code == 400


def test_resident_checkin_without_the_rotating_code_is_refused(client, make_event):
    """The printed poster QR (no code) or a forged code: a message, no check-in."""
    event = make_event(state="published", start=at(2026, 11, 20, 9))
    page = client.get(f"/events/{event.pk}/checkin/")
    assert "现场工作人员出示的签到二维码" in page.content.decode()
    for token in ("", "123.forged", checkin_token.make(event.pk + 1)):
        data = {"name": "李大娘", "phone": "13812341234", "token": token}
        response = client.post(f"/events/{event.pk}/checkin/", data)
        assert response.status_code == 400
        assert "签到码无效或已过期" in response.content.decode()
    assert not CheckIn.objects.filter(event=event).exists()
    event.refresh_from_db()
    assert event.attendance == 0


def test_kiosk_page_shows_a_fresh_code_to_the_organiser(
    client, make_event, station_head, other_town_admin
):
    event = make_event(state="published", start=at(2026, 11, 20, 9))
    url = f"/events/{event.pk}/kiosk/"
    assert client.get(url).status_code == 302  # login first
    client.force_login(other_town_admin)
    assert client.get(url).status_code == 404
    client.force_login(station_head)
    response = client.get(url)
    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert 'http-equiv="refresh"' in response.content.decode()


def test_kiosk_code_fits_a_phone(client, make_event, station_head):
    """The code scales to the screen (a viewBox, no fixed size), as the posters' and the
    kiosk's do (core.qr): on a 360 px phone it is not cut off."""
    event = make_event(state="published", start=at(2026, 11, 20, 9))
    client.force_login(station_head)
    body = client.get(f"/events/{event.pk}/kiosk/").content.decode()
    svg = re.search(r"<svg[^>]*>", body).group(0)
    assert "viewBox=" in svg
    assert not re.search(r"\s(width|height)=", svg)
    assert 'class="card checkin-qr"' in body


def test_volunteer_checkin_by_login(client, make_event, volunteer, volunteer_user):
    event = make_event(state="published", start=at(2026, 11, 20, 9))
    client.force_login(volunteer_user)
    page = client.get(f"/events/{event.pk}/checkin/")
    assert "志愿者一键签到" in page.content.decode()
    client.post(f"/events/{event.pk}/checkin/", {"as_volunteer": "1"})
    assert CheckIn.objects.get(event=event).volunteer == volunteer


def test_draft_has_no_checkin(client, make_event):
    event = make_event()
    assert client.get(f"/events/{event.pk}/checkin/").status_code == 404


def test_event_list_for_admin(client, town_admin, make_event, django_assert_max_num_queries):
    for day in range(1, 21):
        make_event(start=at(2026, 12, day, 9))
    client.force_login(town_admin)
    with django_assert_max_num_queries(8):
        response = client.get("/events/")
    assert response.status_code == 200
    assert client.get("/events/?state=bogus").status_code == 400


def test_json_is_valid_json(client, december):
    body = json.loads(client.get("/api/calendars/2026-12/").content)
    assert body["counts_by_town"] == {"洪绪镇": 3, "龙泉街道": 1}


def test_odd_ids_on_pages_never_500(client, station_head, december):
    huge = 10**20
    assert client.get(f"/calendar/2026-12/?town={huge}").status_code == 400
    assert client.get(f"/calendar/feed.ics?village={huge}").status_code == 400
    assert client.get(f"/events/{huge}/").status_code == 404
    assert client.get(f"/events/{huge}/checkin/").status_code == 404
    client.force_login(station_head)
    assert client.post("/plans/2026-12/submit/", {"position": "abc"}).status_code == 404
    assert client.post("/plans/2026-12/submit/", {"position": huge}).status_code == 404


def test_photo_upload_validated(client, station_head, make_event, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from events.models import EventPhoto

    settings.MEDIA_ROOT = tmp_path
    event = make_event(state="published")
    client.force_login(station_head)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    good = SimpleUploadedFile("a.png", buf.getvalue(), content_type="image/png")
    client.post(f"/events/{event.pk}/photo/", {"image": good, "caption": "现场"})
    assert EventPhoto.objects.filter(event=event, caption="现场").count() == 1
    fake = SimpleUploadedFile("b.png", b"not an image", content_type="image/png")
    response = client.post(f"/events/{event.pk}/photo/", {"image": fake}, follow=True)
    assert EventPhoto.objects.filter(event=event).count() == 1
    assert response.status_code == 200
    exe = SimpleUploadedFile("c.exe", buf.getvalue(), content_type="application/octet-stream")
    client.post(f"/events/{event.pk}/photo/", {"image": exe})
    assert EventPhoto.objects.filter(event=event).count() == 1


def test_headcounts_beyond_the_database_are_form_errors(client, station_head, make_event):
    """Capacity and attendance are PositiveIntegerFields: a huge number is a form error, never a
    DataError (PostgreSQL's integer) or an overflow (SQLite)."""
    event = make_event(start=at(2026, 11, 19, 9, 0), state="published")
    client.force_login(station_head)
    huge = 758027881616
    response = client.post(
        f"/events/{event.pk}/edit/",
        {
            "title": "民法典宣讲",
            "category": event.category_id,
            "start": "2026-11-19T09:00",
            "end": "2026-11-19T11:00",
            "capacity": huge,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["capacity"]
    client.post(f"/events/{event.pk}/complete/", {"attendance": huge})
    event.refresh_from_db()
    assert event.capacity is None and event.state == "published"


def test_complete_on_the_page_only_once_started(client, station_head, make_event):
    event = make_event(state="published")  # 10 December, 09:00; now is 20 November
    client.force_login(station_head)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert f'action="/events/{event.pk}/complete/"' not in page
    assert 'id="complete-later"' in page
    response = client.post(f"/events/{event.pk}/complete/", {"attendance": 12}, follow=True)
    assert response.redirect_chain == [(f"/events/{event.pk}/", 302)]
    assert "活动尚未开始，不能标记为完成。" in response.content.decode()
    event.refresh_from_db()
    assert (event.state, event.attendance, event.completed_at) == ("published", 0, None)

    with time_machine.travel(at(2026, 12, 10, 9, 30), tick=False):
        client.force_login(station_head)  # the earlier session has expired by then
        page = client.get(f"/events/{event.pk}/").content.decode()
        assert f'action="/events/{event.pk}/complete/"' in page
        assert 'id="complete-later"' not in page
        client.post(f"/events/{event.pk}/complete/", {"attendance": 12})
    event.refresh_from_db()
    assert (event.state, event.attendance) == ("done", 12)


def test_event_form_names_each_village_with_its_town(client, city_admin, tuanjie, longquan):
    from tests import factories as f

    f.VillageFactory(town=longquan, name="团结村")  # the same name in another town
    client.force_login(city_admin)
    page = client.get("/events/new/?month=2026-12").content.decode()
    assert "团结村（洪绪镇）" in page and "团结村（龙泉街道）" in page

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from events.models import CheckIn, Event, PublishedCalendar, WebhookDelivery
from tests.events.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]


def test_changelists_load_with_constant_queries(
    client, superuser, make_event, django_assert_max_num_queries
):
    for day in range(1, 21):
        make_event(state="planned", start=at(2026, 12, day, 9))
    client.force_login(superuser)
    for url in (
        "/admin/events/event/",
        "/admin/events/monthlyplan/",
        "/admin/events/publishedcalendar/",
        "/admin/events/webhookdelivery/",
        "/admin/events/checkin/",
        "/admin/events/eventvolunteer/",
        "/admin/events/eventstatechange/",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url


def test_checkin_changelist_masks_the_phone(client, superuser, make_event):
    """The check-in list shows the phone as core.phone.mask does (PIPL), never in full."""
    event = make_event(state="planned", start=at(2026, 12, 1, 9))
    CheckIn.objects.create(event=event, name="张三", phone="13812345678")
    client.force_login(superuser)
    page = client.get("/admin/events/checkin/").content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page


def test_checkins_of_the_area_only_and_a_phone_searched_whole(
    client, make_event, town_admin, other_town_admin
):
    """Like orders: the list holds the viewer's area (whose admins may read the phone on the
    change page); a full phone finds its check-in there, a few digits find nothing, and another
    town's admin finds nothing by phone or otherwise."""
    event = make_event(state="planned", start=at(2026, 12, 1, 9))
    checkin = CheckIn.objects.create(event=event, name="张三", phone="13812345678")
    for user in (town_admin, other_town_admin):
        user.is_staff = True
        user.save()
        user.user_permissions.add(*Permission.objects.filter(codename="view_checkin"))
    client.force_login(town_admin)
    found = client.get("/admin/events/checkin/", {"q": "138 1234 5678"}).context["cl"]
    assert list(found.result_list) == [checkin]
    assert not client.get("/admin/events/checkin/", {"q": "5678"}).context["cl"].result_list
    client.force_login(other_town_admin)
    for term in ("", "13812345678"):
        page = client.get("/admin/events/checkin/", {"q": term})
        assert not page.context["cl"].result_list


def test_events_of_the_area_only(client, make_event, town_admin, other_town_admin):
    """Like orders and check-ins: a town admin's event list is their town's, not the city's."""
    event = make_event(state="planned", start=at(2026, 12, 1, 9))
    for user in (town_admin, other_town_admin):
        user.is_staff = True
        user.save()
        user.user_permissions.add(*Permission.objects.filter(codename="view_event"))
    client.force_login(town_admin)
    assert list(client.get("/admin/events/event/").context["cl"].result_list) == [event]
    assert client.get(f"/admin/events/event/{event.pk}/change/").status_code == 200
    client.force_login(other_town_admin)
    assert not client.get("/admin/events/event/").context["cl"].result_list
    assert client.get(f"/admin/events/event/{event.pk}/change/").status_code == 302


def test_admin_actions_publish_and_compile(client, superuser, make_event):
    events = [make_event(state="planned", start=at(2026, 12, d, 9)) for d in (1, 2)]
    client.force_login(superuser)
    ids = [e.pk for e in events]
    client.post(
        "/admin/events/event/",
        {"action": "publish_events", "_selected_action": ids},
    )
    assert set(Event.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"published"}
    client.post("/admin/events/event/", {"action": "compile_months", "_selected_action": ids})
    cal = PublishedCalendar.objects.get()
    assert cal.month == dt.date(2026, 12, 1) and cal.event_count == 2
    client.post(
        "/admin/events/publishedcalendar/", {"action": "recompile", "_selected_action": [cal.pk]}
    )
    assert PublishedCalendar.objects.count() == 1


def test_admin_add_event_goes_through_service(client, superuser, tuanjie, lecture_category):
    client.force_login(superuser)
    response = client.post(
        "/admin/events/event/add/",
        {
            "title": "后台新建",
            "category": lecture_category.pk,
            "village": tuanjie.pk,
            "venue_address": "村广场",
            "start_0": "2026-12-05",
            "start_1": "09:00:00",
            "end_0": "2026-12-05",
            "end_1": "10:00:00",
            "attendance": 0,
            "volunteer_links-TOTAL_FORMS": 0,
            "volunteer_links-INITIAL_FORMS": 0,
            "photos-TOTAL_FORMS": 0,
            "photos-INITIAL_FORMS": 0,
            "state_changes-TOTAL_FORMS": 0,
            "state_changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="后台新建")
    assert event.town == tuanjie.town
    assert event.state_changes.count() == 1


def test_failed_deliveries_are_visible(client, superuser):
    cal = PublishedCalendar.objects.create(
        month=dt.date(2026, 12, 1),
        version=1,
        content_hash="a" * 64,
        event_count=0,
        json_text="{}",
        ics_text="",
    )
    WebhookDelivery.objects.create(
        calendar=cal, url="http://127.0.0.1:9/x", status="failed", attempts=6, last_error="refused"
    )
    client.force_login(superuser)
    page = client.get("/admin/events/webhookdelivery/?status__exact=failed").content.decode()
    assert "http://127.0.0.1:9/x" in page

"""The station's month plan (issue 16): a draft in a submitted plan is pointed out with its own
"列入计划" button, and the plan has a printable page."""

import datetime as dt

import pytest

from events import plans
from events.models import Event
from tests import factories as f
from tests.events.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]


def test_draft_in_a_submitted_plan_is_pointed_out(
    client, station_head, make_event, tuanjie_station
):
    make_event(state="planned", start=at(2026, 12, 3, 9))
    plans.plan_submit(user=station_head, position=tuanjie_station, month=dt.date(2026, 12, 1))
    draft = make_event(title="冬季送温暖", start=at(2026, 12, 12, 9))
    client.force_login(station_head)
    body = client.get("/plans/2026-12/").content.decode()
    assert "计划已提交，但还有 1 项草稿不在计划中，也不会出现在活动月历上" in body
    card = body.split(f'data-event-id="{draft.pk}"')[1].split("</li>")[0]
    assert f'action="/events/{draft.pk}/plan/"' in card and "列入计划" in card
    # The button plans it and comes back to the plan; the hint is gone.
    response = client.post(f"/events/{draft.pk}/plan/", {"next": "/plans/2026-12/"})
    assert response["Location"] == "/plans/2026-12/"
    draft.refresh_from_db()
    assert draft.state == Event.State.PLANNED
    assert "草稿不在计划中" not in client.get("/plans/2026-12/").content.decode()
    # Elsewhere than a plan page, "next" is ignored.
    other = make_event(start=at(2026, 12, 14, 9))
    response = client.post(f"/events/{other.pk}/plan/", {"next": "https://example.com/"})
    assert response["Location"] == f"/events/{other.pk}/"


def test_draft_before_submitting_and_on_its_own_page(client, station_head, make_event):
    draft = make_event(start=at(2026, 12, 12, 9))
    client.force_login(station_head)
    body = client.get("/plans/2026-12/").content.decode()
    assert "1 项草稿还不在计划中" in body
    detail = client.get(f"/events/{draft.pk}/").content.decode()
    assert "这是草稿：它不在本月计划中，也不会出现在活动月历上" in detail


def test_printable_plan(
    client, station_head, make_event, tuanjie_station, django_assert_max_num_queries
):
    make_event(state="planned", title="民法典宣讲", start=at(2026, 12, 3, 9))
    make_event(title="冬季送温暖", start=at(2026, 12, 12, 9))
    client.force_login(station_head)
    assert 'href="/plans/2026-12/print/"' in client.get("/plans/2026-12/").content.decode()
    with django_assert_max_num_queries(10):
        response = client.get("/plans/2026-12/print/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{tuanjie_station.name} 2026-12 活动计划" in body
    assert "民法典宣讲" in body and "冬季送温暖" in body and "草稿（未列入计划）" in body
    assert "wenming/plan_print.css" in body and "data-print" in body


def test_printable_plan_is_for_station_heads(client, town_admin, volunteer_user):
    client.force_login(town_admin)  # no station of their own
    assert client.get("/plans/2026-12/print/").status_code == 404
    client.force_login(volunteer_user)
    assert client.get("/plans/2026-12/print/").status_code == 404
    client.logout()
    assert client.get("/plans/2026-12/print/").status_code == 302
    assert client.get("/plans/2026-13/print/").status_code in (302, 404)


def test_other_station_head_cannot_plan_via_next(client, make_event, neighbour_village):
    draft = make_event(start=at(2026, 12, 12, 9))
    other = f.StationFactory(village=neighbour_village)
    from stations.models import Role

    head = f.UserFactory(username="head-other")
    Role.objects.create(user=head, kind=Role.Kind.STATION_HEAD, city=other.city, position=other)
    client.force_login(head)
    response = client.post(f"/events/{draft.pk}/plan/", {"next": "/plans/2026-12/"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == Event.State.DRAFT

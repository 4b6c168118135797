# ruff: noqa: F811 - the tests take the imported `december` fixture by name
"""The calendar page for a person on a phone (issue 16): the actions before the month, the
viewer's own area by default, a webcal:// subscription, .ics files named after the area, and
HEAD on the feeds."""

from urllib.parse import quote

import pytest

from tests.events.test_views import december, page_ids  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]


def test_actions_come_before_the_month(client, december, tuanjie):
    body = client.get(f"/calendar/2026-12/?village={tuanjie.pk}").content.decode()
    actions = body.index('class="calendar-actions')
    assert actions < body.index('class="month-grid"') < body.index('class="day-list"')
    assert actions < body.index('class="filters')
    assert f'href="/calendar/2026-12.ics?town={tuanjie.town_id}&amp;village={tuanjie.pk}"' in body
    assert f'href="/calendar/2026-12/print/?town={tuanjie.town_id}' in body


def test_subscribe_is_a_webcal_link_of_the_area_with_a_copyable_address(
    client,
    december,
    tuanjie,
):
    body = client.get(f"/calendar/2026-12/?village={tuanjie.pk}").content.decode()
    assert f'href="webcal://testserver/calendar/feed.ics?village={tuanjie.pk}"' in body
    assert f'value="http://testserver/calendar/feed.ics?village={tuanjie.pk}" readonly' in body
    assert 'data-copy="#feed-url"' in body
    # The city-wide page subscribes to everything.
    body = client.get("/calendar/2026-12/?town=").content.decode()
    assert 'href="webcal://testserver/calendar/feed.ics"' in body


def test_opens_on_the_viewers_area(
    client,
    december,
    tuanjie,
    hongxu,
    volunteer,
    station_head,
    town_admin,
    city_admin,
):
    # Visitors see the city (no area of theirs is known).
    assert client.get("/calendar/2026-12/").status_code == 200
    for user, area in (
        (volunteer.user, f"village={tuanjie.pk}"),
        (station_head, f"village={tuanjie.pk}"),
        (town_admin, f"town={hongxu.pk}"),
    ):
        client.force_login(user)
        response = client.get("/calendar/2026-12/")
        assert response.status_code == 302, user
        assert response["Location"] == f"/calendar/2026-12/?{area}"
        assert client.get("/calendar/")["Location"].endswith(f"?{area}")
        # Choosing 全部 (town="") is a choice: the whole city, no redirect.
        everything = client.get("/calendar/2026-12/", {"town": ""})
        assert everything.status_code == 200 and page_ids(everything) == {e.pk for e in december}
    client.force_login(city_admin)
    assert client.get("/calendar/2026-12/").status_code == 200


def test_downloads_are_named_after_the_area(client, december, tuanjie, hongxu):
    response = client.get(f"/calendar/2026-12.ics?village={tuanjie.pk}")
    assert response["Content-Disposition"] == (
        'attachment; filename="hongxuzhen-tuanjiecun-2026-12.ics"; '
        f"filename*=UTF-8''{quote('洪绪镇-团结村-2026-12.ics')}"
    )
    response = client.get(f"/calendar/2026-12.ics?town={hongxu.pk}")
    assert f"filename*=UTF-8''{quote('洪绪镇-2026-12.ics')}" in response["Content-Disposition"]
    response = client.get("/calendar/2026-12.ics")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"wenming-2026-12.ics\"; filename*=UTF-8''wenming-2026-12.ics"
    )
    feed = client.get(f"/calendar/feed.ics?village={tuanjie.pk}")
    assert feed["Content-Disposition"].startswith(
        'inline; filename="hongxuzhen-tuanjiecun-feed.ics"'
    )


def test_head_on_the_feeds(client, december, tuanjie):
    for url in (f"/calendar/feed.ics?village={tuanjie.pk}", "/calendar/2026-12.ics"):
        get = client.get(url)
        head = client.head(url)
        assert head.status_code == 200, url
        assert head.content == b""
        assert head["Content-Type"] == "text/calendar; charset=utf-8"
        assert head["ETag"] == get["ETag"]
        # A calendar app that checks with HEAD then GETs only on change.
        assert client.head(url, HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304
    assert client.post("/calendar/feed.ics").status_code == 405

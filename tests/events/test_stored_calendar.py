"""The published calendar is served from stored bytes with validators (issue 19): calendar apps
poll the feed all day, so an unchanged month is a 304 without its body, and a new version is
picked up at once. The city-wide page comes in pages; the API narrows to an area."""

import datetime as dt
import json
import re

import pytest
import time_machine

from core import stored
from events import services
from events.calendar import calendar_compile
from events.models import PublishedCalendar
from tests import factories as f
from tests.events.conftest import at
from tests.events.test_views import ics_ids, page_ids

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]

DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def december(make_event, create_event, city_admin, other_village):
    events = [make_event(state="planned", start=at(2026, 12, 1 + n, 9)) for n in range(3)]
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
    calendar_compile(month=DECEMBER)
    return events


@pytest.mark.parametrize(
    "url",
    ["/api/calendars/2026-12/", "/calendar/2026-12.ics", "/calendar/feed.ics?village={village}"],
)
def test_unchanged_is_304_and_a_new_version_is_200(
    client, december, make_event, tuanjie, url, django_assert_max_num_queries
):
    url = url.format(village=tuanjie.pk)
    first = client.get(url)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and "max-age" in first["Cache-Control"]

    # Each process keeps the whole answer while no version is published: a revalidation reads
    # nothing from the database.
    with django_assert_max_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    added = make_event(state="planned", start=at(2026, 12, 20, 9))
    with time_machine.travel(at(2026, 11, 21, 10, 0), tick=False):
        calendar_compile(month=DECEMBER)
        fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert f"event-{added.pk}@wenming" in fresh.content.decode()


def test_a_kept_feed_follows_a_renamed_village_and_a_deleted_version(
    client, december, tuanjie, django_assert_num_queries
):
    """The feed names its village; a rename in the admin shows at once (the names' generation),
    and so does a version taken back (the calendar's), although a repeat reads nothing."""
    url = f"/calendar/feed.ics?village={tuanjie.pk}"
    assert "团结村" in client.get(url).content.decode()
    with django_assert_num_queries(0):
        assert "团结村" in client.get(url).content.decode()
    tuanjie.name = "团结新村"
    tuanjie.save()
    renamed = client.get(url)
    assert "团结新村" in renamed.content.decode()
    assert "tuanjiexincun-feed.ics" in renamed["Content-Disposition"]
    PublishedCalendar.objects.filter(month=DECEMBER).latest("version").delete()
    assert f"event-{december[0].pk}@wenming" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("url", "variants"),
    [
        ("/calendar/feed.ics?village={v}", ["?village=00{v}", "?village= {v}&page=7&x=1"]),
        ("/api/calendars/2026-12/?village={v}", ["?village=0{v}", "?village={v}&page=3"]),
    ],
)
def test_spellings_of_one_question_keep_one_answer(client, december, tuanjie, url, variants):
    """What a worker keeps is bounded by the real areas, not by how a query can be spelt: a
    made-up parameter or a padded id is the same answer, kept once."""
    stored._ANSWERS.clear()
    first = client.get(url.format(v=tuanjie.pk))
    base = url.format(v=tuanjie.pk).split("?")[0]
    for variant in variants:
        again = client.get(base + variant.format(v=tuanjie.pk))
        assert again.content == first.content
    assert len(stored._ANSWERS._items) == 1


def test_api_body_is_the_published_json(client, december):
    """The stored bytes, with every key the API has always had (a contract)."""
    body = json.loads(client.get("/api/calendars/2026-12/").content)
    assert {"version", "content_hash", "events"} <= set(body)
    assert {e["id"] for e in body["events"]} == {e.pk for e in december}
    assert all("sequence" in e and "uid" in e for e in body["events"])


def test_api_narrows_to_an_area(client, december, tuanjie, hongxu, other_village):
    ours = {e.pk for e in december if e.village_id == tuanjie.pk}
    whole = client.get("/api/calendars/2026-12/").json()
    for query in (f"village={tuanjie.pk}", f"town={hongxu.pk}"):
        body = client.get(f"/api/calendars/2026-12/?{query}").json()
        assert {e["id"] for e in body["events"]} == ours
        # The month's other keys stay those of the whole city.
        assert body["version"] == whole["version"]
        assert body["event_count"] == whole["event_count"]
    elsewhere = client.get(f"/api/calendars/2026-12/?village={other_village.pk}").json()
    assert [e["title"] for e in elsewhere["events"]] == ["龙泉社区健身操"]
    assert client.get("/api/calendars/2026-12/?village=999999").json()["events"] == []


@pytest.mark.parametrize("query", ["village=x", "town=0", "category=-1", "village=1&village=2"])
def test_api_refuses_bad_area_filters(client, december, tuanjie, query):
    """Refused every time, also after good queries have been answered (and kept)."""
    assert client.get(f"/api/calendars/2026-12/?village={tuanjie.pk}").status_code == 200
    assert client.get("/api/calendars/2026-12/?village=1").status_code == 200
    for _ in range(2):
        response = client.get(f"/api/calendars/2026-12/?{query}")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"


def test_api_is_public_whatever_credentials_come_with_it(client, december):
    """A calendar app may send a stale token along: the public calendar is still answered."""
    response = client.get("/api/calendars/2026-12/", HTTP_AUTHORIZATION="Token stale-or-wrong")
    assert response.status_code == 200


def test_filtered_ics_is_cached_and_still_exact(client, december, tuanjie):
    ours = {e.pk for e in december if e.village_id == tuanjie.pk}
    for _ in range(2):  # rendered, then from the cache
        ics = client.get(f"/calendar/2026-12.ics?village={tuanjie.pk}")
        assert ics_ids(ics.content.decode()) == ours


def test_city_month_is_paged_and_every_event_is_on_one_page(
    client, make_event, settings, monkeypatch
):
    from events.views import calendar as views

    monkeypatch.setattr(views, "PAGE_EVENTS", 4)
    made = {
        make_event(state="planned", start=at(2026, 12, 1 + n % 10, 9 + n // 10)).pk
        for n in range(12)
    }
    calendar_compile(month=DECEMBER)
    first = client.get("/calendar/2026-12/")
    html = first.content.decode()
    assert first.status_code == 200 and 'aria-current="page">1<' in html
    pages = int(re.search(r"第 1 / (\d+) 页", html).group(1))
    assert pages >= 3
    seen: list[int] = []
    for n in range(1, pages + 1):
        seen.extend(page_ids(client.get(f"/calendar/2026-12/?page={n}")))
    assert sorted(seen) == sorted(made)  # each event once, none lost
    # A day in the grid links to the page that lists it; the print view has the whole month.
    assert re.search(r'href="\?page=\d+#d10"', html)
    assert page_ids(client.get("/calendar/2026-12/print/")) == made
    assert client.get("/calendar/2026-12/?page=x").status_code == 400
    assert page_ids(client.get("/calendar/2026-12/?page=99")) == page_ids(
        client.get(f"/calendar/2026-12/?page={pages}")
    )


def test_filter_choices_are_cached_and_follow_edits(client, december, hongxu, tuanjie):
    """The towns, villages and categories of the filter form come from the shared cache, and
    a rename in the admin shows at once."""
    assert "洪绪镇" in client.get("/calendar/2026-12/").content.decode()
    hongxu.name = "洪绪镇（新）"
    hongxu.save()
    tuanjie.name = "团结新村"
    tuanjie.save()
    html = client.get(f"/calendar/2026-12/?town={hongxu.pk}").content.decode()
    assert "洪绪镇（新）" in html and f'<option value="{tuanjie.pk}">团结新村' in html


@pytest.mark.parametrize(
    "url",
    ["/api/calendars/2026-12/", "/calendar/2026-12.ics", "/calendar/feed.ics?village={village}"],
)
def test_gzip_when_accepted_with_its_own_etag(client, december, tuanjie, url):
    """Issue 19: the month's JSON is ≈ 750 KB for the city; gzipped bytes are kept beside the
    plain ones and sent to a client that accepts them, under an ETag of their own."""
    import gzip

    url = url.format(village=tuanjie.pk)
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"]
    assert packed["ETag"] == plain["ETag"][:-1] + '-gzip"'

    # Each representation revalidates with its own validator, and only with it.
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304 and again["ETag"] == packed["ETag"]
    assert "Accept-Encoding" in again["Vary"]
    assert client.get(url, HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304

"""Each report runs a constant number of queries whatever the number of villages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from reports import services
from stations.models import Town
from tests import factories as f
from tests.reports.factories import at, make_event, make_order, submit_plan

pytestmark = pytest.mark.long

PAGES = [
    ("reports:coverage", {"month": "2026-10"}),
    ("reports:standards", {"month": "2026-10"}),
    ("reports:orders", {"from": "2026-01", "to": "2026-10"}),
    ("reports:volunteers", {"from": "2026-01", "to": "2026-10"}),
    ("reports-api:coverage", {"month": "2026-10"}),
    ("reports-api:five-standards", {"month": "2026-10"}),
    ("reports-api:orders", {"from": "2026-01", "to": "2026-10"}),
]


def build(n_villages: int):
    """Two towns, ``n_villages`` villages with a station, volunteers, orders, events, plans."""
    towns = [f.TownFactory(city=f.CityFactory(), name=n) for n in ("洪绪镇", "龙泉街道")]
    items = [f.MenuItemFactory(), f.MenuItemFactory()]
    team = f.TeamFactory(village=f.VillageFactory(town=towns[0], name="队伍村"))
    for i in range(n_villages):
        village = f.VillageFactory(town=towns[i % 2], name=f"村{i}")
        station = f.StationFactory(village=village)
        f.VolunteerFactory(home_village=village)
        if i % 3:
            submit_plan(station, dt.date(2026, 10, 1))
        for month in (9, 10):
            make_order(
                village=village,
                menu_item=items[i % 2],
                status=Order.Status.RATED,
                created_at=at(2026, month, 2),
                accepted_at=at(2026, month, 3),
                completed_at=at(2026, month, 5 + i % 20),
                rated_at=at(2026, month, 26),
                stars=4 + i % 2,
                hours=1,
                accepted_team=team,
                notify=False,
            )
        if i % 4 == 0:
            make_event(
                village=village,
                category=items[0].category,
                start=at(2026, 10, 9),
                end=at(2026, 10, 9, 15),
                attendance=10,
                team=team,
                notify=False,
            )
    services.rebuild()
    return towns


def count(client, name, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def add_villages(n: int) -> None:
    """``n`` more villages in the same towns, each with a station, a volunteer and an order."""
    towns = list(Town.objects.filter(name__in=["洪绪镇", "龙泉街道"]))
    item = f.MenuItemFactory()
    team = f.TeamFactory(village=f.VillageFactory(town=towns[0], name="新队伍村"))
    for i in range(n):
        village = f.VillageFactory(town=towns[i % 2], name=f"增{i}")
        f.StationFactory(village=village)
        f.VolunteerFactory(home_village=village)
        make_order(
            village=village,
            menu_item=item,
            status=Order.Status.COMPLETED,
            # Half of them served in October, half last in August (they show in the gap list).
            created_at=at(2026, 8 + 2 * (i % 2), 1),
            accepted_at=at(2026, 8 + 2 * (i % 2), 2),
            completed_at=at(2026, 8 + 2 * (i % 2), 3),
            hours=2,
            accepted_team=team,
            notify=False,
        )
    services.rebuild()


# Session, user, roles (scope), the header's unread-message count (pages only), then the
# report's own reads: the first view of a new login, with nothing kept yet.
PINNED = {
    "reports:coverage": 11,
    "reports:standards": 9,
    "reports:orders": 10,
    "reports:volunteers": 13,  # + points earned and redeemed per town
    "reports-api:coverage": 9,
    "reports-api:five-standards": 7,
    "reports-api:orders": 8,
}
if connection.vendor == "postgresql":
    # The orders page ranks the teams in a second statement and reads only the first 200; the
    # volunteers report sums the teams' figures in one statement instead of four reads.
    PINNED |= {"reports:orders": 11, "reports:volunteers": 10}


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_query_count_is_pinned_and_does_not_grow(
    client, city_admin, django_assert_num_queries, django_assert_max_num_queries, name, params
):
    build(6)
    client.force_login(city_admin)
    with django_assert_num_queries(PINNED[name]):
        assert client.get(reverse(name), params).status_code == 200
    add_villages(40)  # recomputed: the report's reads again, the login's kept lookups not all
    with django_assert_max_num_queries(PINNED[name]):
        assert client.get(reverse(name), params).status_code == 200


def test_town_page_query_count(client, town_admin, django_assert_num_queries, hongxu):
    build(6)
    client.force_login(town_admin)
    few = count(client, "reports:coverage", {"month": "2026-10"})
    add_villages(40)
    assert count(client, "reports:coverage", {"month": "2026-10"}) <= few


@pytest.mark.parametrize("name", ["reports:coverage", "reports:standards"])
def test_cached_page_reads_only_the_session_and_scope(
    client, town_admin, django_assert_num_queries, hongxu, name
):
    """A repeat view is served from the report cache, with the login's scope, navigation and
    unread count kept per process: the session, the user and the town asked for, however many
    villages the town has."""
    build(6)
    client.force_login(town_admin)
    params = {"month": "2026-10"}
    first = count(client, name, params)
    cached = count(client, name, params)
    assert cached == 3 < first
    add_villages(40)  # rebuilding invalidates: the next view computes, the one after is cached
    assert count(client, name, params) > cached
    assert count(client, name, params) == cached

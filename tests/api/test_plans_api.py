"""/api/plans/<ym>/ is paginated like every list, with a constant number of queries."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_plans_overview_is_paginated_with_a_pinned_query_count(
    as_user, city_admin, city, django_assert_num_queries
):
    for _ in range(3):
        town = f.TownFactory(city=city)
        for _ in range(5):
            f.StationFactory(village=f.VillageFactory(town=town))
    client = as_user(city_admin)
    # token+user, roles, stations with event counts, their plans
    with django_assert_num_queries(4):
        body = client.get("/api/plans/2026-12/", {"page_size": 10}).json()
    assert body["count"] == 15 and len(body["results"]) == 10 and body["next"]

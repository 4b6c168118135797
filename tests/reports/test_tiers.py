"""The orders report shows orders by the tier that served them (村级, 镇街, 市级): an order keeps
the tier it had climbed to when it was accepted."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from orders import escalation, services
from orders.models import Order
from reports import services as report_services
from tests import factories as f
from tests.notifications.conftest import at
from tests.orders.factories import order_in_state
from volunteers.models import Team

S = Order.Status
T0 = at(2026, 11, 2, 9, 0)


@pytest.fixture
def world(tuanjie_station, tuanjie, menu_item, volunteer, city):
    f.TeamFactory(
        name="洪绪镇志愿服务支队",
        kind=Team.Kind.TOWN_DETACHMENT,
        village=None,
        town=tuanjie.town,
        city=city,
    )
    with time_machine.travel(T0, tick=False):
        orders = [order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item) for _ in range(4)]
    village, town, city_tier, waiting = orders
    services.order_claim(order_id=village.pk, actor=volunteer.user)
    with time_machine.travel(T0 + dt.timedelta(hours=25), tick=False):
        escalation.orders_escalate_due()
        services.order_claim(order_id=town.pk, actor=volunteer.user)
    with time_machine.travel(T0 + dt.timedelta(hours=49), tick=False):
        escalation.orders_escalate_due()
        services.order_claim(order_id=city_tier.pk, actor=volunteer.user)
    with time_machine.travel(T0 + dt.timedelta(hours=50), tick=False):  # still November
        for order in (village, town, city_tier):
            services.order_complete(order_id=order.pk, actor=volunteer.user, hours="1", note="好")
    # The workflow refreshes the rollups on commit; the test's transaction never commits.
    report_services.refresh_orders(order_ids=[o.pk for o in orders])
    return orders


def test_orders_by_the_tier_that_served_them(client, city_admin, world):
    client.force_login(city_admin)
    response = client.get(reverse("reports:orders"), {"from": "2026-11", "to": "2026-11"})
    data = response.context["data"].as_dict()
    tiers = {r["tier"]: r for r in data["by_tier"]}
    assert [r["tier"] for r in data["by_tier"]] == ["village", "town", "city"]
    assert {t: (r["name"], r["received"], r["completed"]) for t, r in tiers.items()} == {
        "village": ("村级", 1, 1),
        "town": ("镇街", 1, 1),
        "city": ("市级", 2, 1),  # the fourth still waits, at the city tier
    }
    page = response.content.decode()
    assert "按服务层级（无人接单逐级上交）" in page

    api = client.get("/api/reports/orders/", {"from": "2026-11", "to": "2026-11"})
    assert api.status_code == 200
    assert [(r["tier"], r["completed"]) for r in api.json()["by_tier"]] == [
        ("village", 1),
        ("town", 1),
        ("city", 1),
    ]


def test_the_csv_export_has_the_tier_table(client, city_admin, world):
    client.force_login(city_admin)
    url = reverse("reports:export", args=["orders", "tier", "csv"])
    response = client.get(url, {"from": "2026-11", "to": "2026-11"})
    assert response.status_code == 200
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("服务层级,")
    assert [r.split(",")[0] for r in rows[1:]] == ["村级", "镇街", "市级"]

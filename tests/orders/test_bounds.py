"""Issue 14, finding 4: a resident's preferred date is today to one year ahead, on the page and
the API alike (the service holds the rule)."""

import datetime as dt

import pytest
import time_machine

from orders.models import Order

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def data(tuanjie, menu_item, resident):
    return {"village": tuanjie.pk, "menu_item": menu_item.pk, "people": 2, **resident}


@pytest.mark.parametrize("when", ["2028-01-01", "9999-12-31", "2026-11-30", "0001-01-01"])
def test_page_and_api_refuse_dates_outside_today_to_a_year(client, api, data, when):
    page = client.post("/orders/new/", {**data, "preferred_date": when})
    assert page.status_code == 200 and "期望日期不能" in page.content.decode()
    response = api.post("/api/orders/", {**data, "preferred_date": when}, format="json")
    assert response.status_code == 400 and "preferred_date" in response.json()["fields"]
    assert not Order.objects.exists()


def test_a_year_ahead_is_fine(api, data):
    response = api.post("/api/orders/", {**data, "preferred_date": "2027-12-01"}, format="json")
    assert response.status_code == 201
    assert Order.objects.get().preferred_date == dt.date(2027, 12, 1)


def test_migration_clears_dates_stored_out_of_range(tuanjie_station, tuanjie, menu_item):
    import importlib
    from pathlib import Path

    from django.apps import apps as django_apps

    from tests.orders.factories import submit_order

    bad = submit_order(tuanjie, menu_item)
    good = submit_order(tuanjie, menu_item, preferred_date=dt.date(2027, 1, 5))
    Order.objects.filter(pk=bad.pk).update(
        preferred_date=dt.date(9999, 12, 31), service_date=dt.date(1, 1, 1)
    )
    folder = Path(importlib.import_module("orders.migrations").__file__).parent
    name = next(folder.glob("*_repair_out_of_range.py")).stem
    importlib.import_module(f"orders.migrations.{name}").repair(django_apps, None)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.preferred_date is None and bad.service_date is None
    assert good.preferred_date == dt.date(2027, 1, 5)

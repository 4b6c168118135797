"""core.bulk: COPY on PostgreSQL, bulk_create elsewhere, with the same rows either way."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.bulk import insert_objects, insert_rows, update_rows
from orders.models import Order, OrderStatusChange
from tests.factories import MenuItemFactory, VillageFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
S = Order.Status


def test_insert_objects_gives_keys_in_order_and_saves_every_field():
    village = VillageFactory()
    people = [
        Volunteer(name=f"志愿者{i}", phone=f"1380000000{i}", home_village=village,
                  town_id=village.town_id, hours_total=Decimal("1.5") * i)
        for i in range(3)
    ]  # fmt: skip
    assert insert_objects(people) == people
    assert all(p.pk for p in people)
    assert [p.pk for p in people] == sorted(p.pk for p in people)
    assert not people[0]._state.adding
    saved = Volunteer.objects.get(pk=people[2].pk)
    assert (saved.name, saved.phone) == ("志愿者2", "13800000002")
    assert saved.hours_total == Decimal("3.0")
    assert saved.home_village_id == village.pk and saved.town_id == village.town_id


def test_insert_rows_keeps_given_times_choices_and_json():
    village = VillageFactory()
    item = MenuItemFactory()
    order = Order.objects.create(
        number="B1", tracking_token="t1", village=village, town=village.town, menu_item=item,
        category=item.category, name="李大娘", phone="13812341234",
    )  # fmt: skip
    at = timezone.now() - dt.timedelta(days=40)
    written = insert_rows(
        OrderStatusChange,
        ["order_id", "from_status", "to_status", "actor_kind", "actor_label", "note_data",
         "created_at"],
        [(order.pk, S.OPEN, S.RATED, OrderStatusChange.ActorKind.RESIDENT, "居民",
          {"stars": 5, "comment": "好"}, at)],
    )  # fmt: skip
    assert written == 1
    row = OrderStatusChange.objects.get(order=order, to_status="rated")
    assert (row.from_status, row.actor_kind) == ("open", "resident")
    assert (row.note, row.note_kind) == ("", "")
    assert row.note_data == {"stars": 5, "comment": "好"}
    assert row.created_at == at  # not stamped with now, although the field is auto_now_add


def test_update_rows_sets_each_rows_values():
    village = VillageFactory()
    people = insert_objects(
        [
            Volunteer(name=f"志愿者{i}", phone=f"1390000000{i}", home_village=village,
                      town_id=village.town_id)
            for i in range(3)
        ]
    )  # fmt: skip
    update_rows(Volunteer, ["hours_total"], [(people[0].pk, Decimal("2.5")), (people[2].pk, 7)])
    totals = dict(Volunteer.objects.filter(home_village=village).values_list("pk", "hours_total"))
    assert totals == {people[0].pk: Decimal("2.5"), people[1].pk: 0, people[2].pk: Decimal("7")}


def test_times_and_dates_are_stored_exactly_as_django_stores_them():
    """The SQLite path converts timestamps and dates itself: the stored text must be Django's
    (naive UTC, microseconds kept; an ISO date), or exact lookups and ranges would miss rows."""
    village = VillageFactory()
    item = MenuItemFactory()
    order = Order(
        number="B2", tracking_token="t2", village=village, town=village.town, menu_item=item,
        category=item.category, name="王大爷", phone="13912341234",
        preferred_date=dt.date(2026, 3, 2),
    )  # fmt: skip
    insert_objects([order])
    at = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    insert_rows(
        OrderStatusChange,
        ["order_id", "from_status", "to_status", "actor_kind", "created_at"],
        [(order.pk, S.SUBMITTED, S.OPEN, OrderStatusChange.ActorKind.SYSTEM, at)],
    )
    assert Order.objects.filter(pk=order.pk, preferred_date=dt.date(2026, 3, 2)).exists()
    assert Order.objects.filter(pk=order.pk, preferred_date__gt=dt.date(2026, 3, 1)).exists()
    changes = OrderStatusChange.objects.filter(order=order)
    assert changes.filter(created_at=at).exists()
    assert changes.filter(created_at__gt=at - dt.timedelta(microseconds=1)).exists()
    assert not changes.filter(created_at__gt=at).exists()
    assert changes.get().created_at == at

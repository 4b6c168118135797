"""The audit rows of status changes share one base (core.models.StatusChange): the actor, the
time, the order they are read in and how they print; each keeps its own table."""

import pytest

from core.models import StatusChange
from events.models import EventStateChange
from orders.models import Order, OrderStatusChange
from volunteers.models import ServiceRecordChange, VolunteerApplicationChange
from wishes.models import WishStatusChange

AUDIT_ROWS = [
    OrderStatusChange,
    EventStateChange,
    WishStatusChange,
    ServiceRecordChange,
    VolunteerApplicationChange,
]


@pytest.mark.parametrize("model", AUDIT_ROWS)
def test_every_audit_row_is_a_status_change(model):
    assert issubclass(model, StatusChange) and not model._meta.abstract
    assert model._meta.ordering == ["created_at", "id"]
    actor = model._meta.get_field("actor")
    assert actor.null and actor.remote_field.on_delete.__name__ == "SET_NULL"
    subject = model._meta.get_field(model.subject_field)
    assert subject.is_relation
    for name in (model.from_field, model.to_field):
        assert model._meta.get_field(name).choices


def test_an_application_change_keeps_its_reason_and_no_note():
    names = {f.name for f in VolunteerApplicationChange._meta.get_fields()}
    assert "reason" in names and "note" not in names


def test_how_a_row_prints():
    """By the record's id, which costs no query; an order by its number, as staff quote it."""
    order = Order(number="WM-202611-000005")
    change = OrderStatusChange(order=order, from_status="open", to_status="accepted")
    assert str(change) == "WM-202611-000005 open→accepted"
    assert str(EventStateChange(event_id=7, from_state="draft", to_state="published")) == (
        "7 draft→published"
    )
    assert str(WishStatusChange(wish_id=3, from_status="", to_status="submitted")) == "3 →submitted"
    record = ServiceRecordChange(record_id=2, action="confirm", from_status="pending")
    assert str(record) == "2 confirm pending→"

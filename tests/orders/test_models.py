"""The status groups on ``Order`` are the one list of which statuses go together."""

import pytest

from orders.models import Order

S = Order.Status


def _constraint(name: str):
    return next(c for c in Order._meta.constraints if c.name == name)


def test_groups_partition_the_statuses():
    groups = [Order.WAITING, Order.IN_SERVICE, Order.SERVED, Order.CLOSED]
    flat = [status for group in groups for status in group]
    assert sorted(flat) == sorted(S.values)  # every status in exactly one group


def test_database_constraints_follow_the_groups():
    """Meta cannot see the class body, so the constraints spell the groups out; keep them equal."""
    ((_, statuses),) = _constraint("order_status_valid").condition.children
    assert statuses == S.values
    ((_, owned),) = _constraint("order_owned_once_accepted").condition.children[0].children
    assert owned == list(Order.OWNED)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (S.SUBMITTED, {"may_review", "may_assign", "resident_may_cancel", "admin_may_cancel"}),
        (S.OPEN, {"may_claim", "may_assign", "resident_may_cancel", "admin_may_cancel"}),
        (S.ACCEPTED, {"may_complete", "may_release", "admin_may_cancel"}),
        (S.COMPLETED, {"may_rate"}),
        (S.RATED, set()),
        (S.CANCELLED, set()),
        (S.REJECTED, set()),
    ],
)
def test_what_each_status_allows(status, allowed):
    names = [name for name in dir(Order) if name.startswith(("may_", "resident_may", "admin_may"))]
    order = Order(status=status)
    assert {name for name in names if getattr(order, name)} == allowed

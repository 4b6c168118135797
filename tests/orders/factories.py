"""Orders built the way production builds them: through the services.

``submit_order`` places an order as a resident would; ``order_in_state`` walks it through the
services to any status, so tests never set a status by hand.
"""

import itertools
from decimal import Decimal

from orders import services, submission
from orders.models import Order
from tests import factories as f

_phones = itertools.count(1)


def next_phone() -> str:
    return f"137{next(_phones):08d}"


def area_admin():
    """A city admin (superuser) who may act on every order."""
    return f.UserFactory(username="orders-root", is_staff=True, is_superuser=True)


def submit_order(village, menu_item, **overrides) -> Order:
    data = {
        "village": village,
        "menu_item": menu_item,
        "name": "李大娘",
        "phone": next_phone(),
        "description": "想请志愿者来村里讲讲新政策",
        "people": 20,
    }
    data.update(overrides)
    return submission.order_submit(**data).order


def send_notices() -> None:
    """What the worker does once a change commits (``orders.send_notices``, queued on commit):
    the test's transaction never commits, so a test that reads an order's notices runs it.
    ``tests/notifications/test_order_notices.py`` shows the commit queueing it."""
    from orders import tasks

    tasks.send_notices()


def order_in_state(status, *, village, menu_item, volunteer=None, admin=None, **overrides):
    """An order in ``status``, reached through the services (volunteer needed from accepted on)."""
    S = Order.Status
    admin = admin or area_admin()
    order = submit_order(village, menu_item, **overrides)
    if status == S.SUBMITTED:
        return order
    if status == S.REJECTED:
        return services.order_reject(order_id=order.pk, actor=admin, reason="重复申请")
    if order.status == S.SUBMITTED:
        order = services.order_approve(order_id=order.pk, actor=admin)
    if status == S.OPEN:
        return order
    if status == S.CANCELLED:
        return services.order_cancel(tracking_token=order.tracking_token, reason="不需要了")
    order = services.order_claim(order_id=order.pk, actor=volunteer.user)
    if status == S.ACCEPTED:
        return order
    order = services.order_complete(
        order_id=order.pk, actor=volunteer.user, hours=Decimal("2.5"), note="宣讲顺利完成"
    )
    if status == S.COMPLETED:
        return order
    return services.order_rate(tracking_token=order.tracking_token, stars=5, comment="讲得很好")

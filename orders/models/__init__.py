"""The orders app's models, one module per concern; every model is imported here, so
``from orders.models import X`` works and Django finds them all."""

from orders.models.catalogue import (
    MenuItem,
    Platform,
    ServiceCategory,
    TargetGroup,
    VolunteerSkill,
)
from orders.models.order import Order, OrderNumberSequence
from orders.models.proxy import ProxyHelper
from orders.models.timeline import OrderNoticeDue, OrderStatusChange

__all__ = [
    "MenuItem",
    "Order",
    "OrderNoticeDue",
    "OrderNumberSequence",
    "OrderStatusChange",
    "Platform",
    "ProxyHelper",
    "ServiceCategory",
    "TargetGroup",
    "VolunteerSkill",
]

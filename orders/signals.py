"""Signals other apps listen to, so that orders never has to import them.

``order_status_changed`` is sent once per transition, after the transaction commits, with
``order_id``, ``village_id``, ``town_id``, ``category_id``, ``from_status``, ``to_status``
(``from_status`` is ``""`` for a new order). The reports app keeps its rollup current with it.

``orders_flagged_overdue`` is sent after commit when the periodic check flags orders that
waited too long for a taker (not a status change), with ``order_ids``.
"""

from django.dispatch import Signal

order_status_changed = Signal()
orders_flagged_overdue = Signal()

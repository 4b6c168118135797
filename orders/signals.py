"""Signals other apps listen to, so that orders never has to import them.

``order_status_changed`` is sent once per transition, after the transaction commits, with
``order_id``, ``village_id``, ``town_id``, ``category_id``, ``from_status``, ``to_status``
(``from_status`` is ``""`` for a new order). The reports app keeps its rollup current with it.
"""

from django.dispatch import Signal

order_status_changed = Signal()

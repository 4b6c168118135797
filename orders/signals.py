"""The hook other code may listen to, so that orders never has to import it.

``order_status_changed`` is sent once per transition, after the transaction commits, with
``order_id``, ``village_id``, ``town_id``, ``category_id``, ``from_status``, ``to_status``
(``from_status`` is ``""`` for a new order): for an integration that must hear of a change only
once it is real. The reports do not use it: their rollup marker joins the transition's own
transaction (``reports.receivers``), so a crash between the commit and a signal loses nothing.
"""

from django.dispatch import Signal

order_status_changed = Signal()

"""Signals the events app sends; other apps (reports) listen, events never imports them.

``event_state_changed`` is sent after the transaction that changed an event's state commits,
with keyword arguments ``event_id``, ``village_id``, ``town_id``, ``category_id``,
``from_state`` and ``to_state`` (the ``Event.State`` values; ``from_state`` is "" on create).
"""

from django.dispatch import Signal

event_state_changed = Signal()

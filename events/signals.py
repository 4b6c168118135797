"""Signals the events app sends; other apps listen, events never imports them.

``event_state_changed`` is sent after the transaction that changed an event's state commits,
with keyword arguments ``event_id``, ``village_id``, ``town_id``, ``category_id``,
``from_state`` and ``to_state`` (the ``Event.State`` values; ``from_state`` is "" on create):
a hook for an integration that must hear of a change only once it is real. The reports mark
their rollups in the change's own transaction instead (``reports.receivers``).

``plan_submitted`` is sent after a station's monthly plan is submitted and committed, with
``plan_id``, ``position_id``, ``village_id``, ``town_id`` and ``month`` (the first day).
"""

from django.dispatch import Signal

event_state_changed = Signal()
plan_submitted = Signal()

"""Signals the volunteers app sends; other apps (reports) listen, volunteers never imports them.

``volunteers_changed`` is sent after a bulk change that bypasses ``save()`` (the admin's
"mark active / inactive" actions) commits, with ``town_ids``: the towns of the volunteers
changed. Single saves and deletes send Django's own ``post_save`` / ``post_delete``.


``service_records_changed`` is sent after a service record is confirmed, corrected or revoked
commits, with ``source_kind`` and ``source_id`` (the order or event whose confirmed hours
changed): the reports count confirmed hours only.

``service_record_saved`` is sent *inside* the transaction of each confirmation, correction or
revocation, with ``record``: whatever mirrors a record (an event's volunteer list) follows in
the same transaction, before ``service_records_changed`` tells the reports after commit. So a
record confirmed anywhere (the event page, the overdue list, the API) moves the event's row too.
"""

from django.dispatch import Signal

volunteers_changed = Signal()
service_records_changed = Signal()
service_record_saved = Signal()

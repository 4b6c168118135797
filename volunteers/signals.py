"""Signals the volunteers app sends; other apps (reports) listen, volunteers never imports them.

``volunteers_changed`` is sent after a bulk change that bypasses ``save()`` (the admin's
"mark active / inactive" actions) commits, with ``town_ids``: the towns of the volunteers
changed. Single saves and deletes send Django's own ``post_save`` / ``post_delete``.


``service_records_changed`` is sent after a service record is confirmed, corrected or revoked
commits, with ``source_kind`` and ``source_id`` (the order or event whose confirmed hours
changed): the reports count confirmed hours only.
"""

from django.dispatch import Signal

volunteers_changed = Signal()
service_records_changed = Signal()

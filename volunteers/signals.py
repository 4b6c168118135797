"""Signals the volunteers app sends; other apps (reports) listen, volunteers never imports them.

``volunteers_changed`` is sent after a bulk change that bypasses ``save()`` (the admin's
"mark active / inactive" actions) commits, with ``town_ids``: the towns of the volunteers
changed. Single saves and deletes send Django's own ``post_save`` / ``post_delete``.
"""

from django.dispatch import Signal

volunteers_changed = Signal()

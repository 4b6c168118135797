"""What every app shares, in one place: month parsing, phone rules, bounded dates, the API's
error shape and schema helpers, and queueing a task after commit.

``core`` imports Django, DRF and Celery but none of Wenming's apps (nor ``config``, which wires
the apps together); ``uv run lint-imports`` checks that. It is not a Django app: it has no
tables, templates or migrations; ``core.models`` holds one abstract model (the audit row of a
status change) whose concrete models live in the apps.
"""

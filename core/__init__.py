"""What every app shares, in one place: month parsing, phone rules, bounded dates, the API's
error shape and schema helpers, and queueing a task after commit.

``core`` imports Django, DRF and Celery but none of Wenming's apps (nor ``config``, which wires
the apps together); ``uv run lint-imports`` checks that. It is not a Django app: it has no
models, templates or migrations.
"""

"""The events' fixtures (``tests/events/conftest.py``: events made through the services, the
frozen clock) for the event writes through the API (``test_event_writes.py``)."""

from tests.events.conftest import create_event, make_event, november_20  # noqa: F401 - fixtures

import datetime as dt

import pytest

from tests import factories as f

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def member(db):
    """A login with nothing but an inbox."""
    return f.UserFactory(username="reader", email="reader@example.com")


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Run queued deliveries in-process even when a broker is configured (CI runs on Redis);
    tests/notifications/test_worker.py switches this off for its real worker."""

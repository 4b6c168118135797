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


@pytest.fixture
def no_quiet_hours(settings):
    settings.WENMING_SMS_QUIET_HOURS = ""

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Logins are made per test; a slow password hash would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process even when a broker is configured (CI runs on Redis)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous

"""API tests: the ``api`` and ``as_user`` clients come from ``tests/conftest.py``."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Logins are created for nearly every API test; PBKDF2's deliberate slowness adds minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""Helpers for tests of database constraints."""

from django.db import IntegrityError, transaction


def violates(create) -> bool:
    """Whether ``create()`` breaks a database constraint (run in a savepoint, so the test's
    transaction stays usable)."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False

"""Generation tokens: what the public pages and feeds are kept under, retired by any change."""

import pytest
from django.db import transaction
from django.test import override_settings

from core import generations
from portal import seeding
from tests.ops.conftest import closed_url

pytestmark = pytest.mark.django_db


def test_a_token_stays_until_bumped_and_kinds_are_apart():
    menu, calendar = generations.current(generations.MENU, generations.CALENDAR)
    assert menu != calendar
    assert generations.current(generations.MENU, generations.CALENDAR) == (menu, calendar)
    generations.bump(generations.CALENDAR)
    assert generations.current(generations.MENU) == (menu,)
    assert generations.current(generations.CALENDAR) != (calendar,)


def test_bumped_at_once_and_again_at_commit(django_capture_on_commit_callbacks):
    """An answer built inside the transaction, from the state before it commits, is kept under
    the intermediate token: the commit retires it too."""
    (before,) = generations.current(generations.CALENDAR)
    with django_capture_on_commit_callbacks(execute=True):
        generations.bump(generations.CALENDAR)
        (during,) = generations.current(generations.CALENDAR)
        assert during != before
    (after,) = generations.current(generations.CALENDAR)
    assert after not in (before, during)


def test_a_reset_of_the_demo_retires_both(django_capture_on_commit_callbacks):
    """``seed_demo --reset`` deletes with raw SQL (no signals): the public answers kept from the
    old rows must not outlive them."""
    before = generations.current(generations.MENU, generations.CALENDAR)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seeding.delete_domain_data()
    after = generations.current(generations.MENU, generations.CALENDAR)
    assert set(before).isdisjoint(after)


def test_with_the_cache_down_every_call_gets_its_own():
    caches = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": closed_url()}}
    with override_settings(CACHES=caches):
        assert generations.current(generations.MENU) != generations.current(generations.MENU)


def test_a_bump_goes_past_the_circuit_breaker_and_a_refused_one_is_logged(caplog):
    """A role revoked in a worker whose cache failed a moment ago must still try to reach the
    other workers (the breaker would drop the write for five seconds without a word), and a
    write Redis refuses is an error in the log, not silence."""
    from django.core.cache import cache

    from core.cache import CacheUnavailable

    caches = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": closed_url()}}
    with override_settings(CACHES=caches):
        generations.current(generations.ROLES)  # fails: the breaker is now open
        assert cache.set_many({"k": 1}) == ["k"]  # dropped without trying
        with pytest.raises(CacheUnavailable):
            cache.set_many_now({"k": 1})  # tried
        with caplog.at_level("ERROR", logger="core.generations"):
            generations.bump(generations.ROLES, generations.inbox(7))
    assert "generation tokens not replaced" in caplog.text
    assert "roles:generation" in caplog.text and "inbox:7:generation" in caplog.text

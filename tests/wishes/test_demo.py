"""The wish wall's demo data (``seed_demo`` step ``wishes``): every state, made through the
services' state changes (each with its audit rows), times set back from the seed's clock, the
article village's queue and its volunteer's claim, and the same data for the same seed."""

import datetime as dt
import random
from io import StringIO

import pytest
from django.db import transaction

from orders.demo_history import demo_volunteer
from portal import seeding
from stations.models import Village
from wishes import demo
from wishes.models import MenuSuggestion, Wish, WishStatusChange

pytestmark = pytest.mark.long

S = Wish.Status
NOW = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)
STEPS = [s for s in seeding.STEPS if s[0] in {"places", "teams", "menu", "wishes"}]
# The statuses a wish passes through on its way to each end state.
PATHS = {
    S.SUBMITTED: ["submitted"],
    S.REJECTED: ["submitted", "rejected"],
    S.CONVERTED: ["submitted", "converted"],
    S.OPEN: ["submitted", "open"],
    S.CLAIMED: ["submitted", "open", "claimed"],
    S.FULFILLED: ["submitted", "open", "claimed", "fulfilled"],
}


def run(seed: int = 2021) -> list[tuple]:
    with transaction.atomic():
        seeding.delete_domain_data()
        ctx = seeding.SeedContext(
            rng=random.Random(seed), scale=1, now=NOW, stdout=StringIO(), quiet=True
        )
        seeding.run_steps(ctx, STEPS)
    return list(
        Wish.objects.order_by("id").values_list(
            "village__name", "description", "status", "phone", "created_at", "fulfilled_at"
        )
    )


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        first = run()
        yield first
        with transaction.atomic():
            seeding.delete_domain_data()


@pytest.fixture
def seeded(_seeded, db):
    return _seeded


def test_every_state_is_there_with_its_audit_rows(seeded):
    counts = {s: Wish.objects.filter(status=s).count() for s in S.values}
    assert all(counts.values()), counts
    assert sum(counts.values()) == demo.WISHES_PER_SCALE + len(demo.ARTICLE_FATES)
    paths: dict[int, list[str]] = {}
    for wish_id, to_status in WishStatusChange.objects.order_by("created_at", "id").values_list(
        "wish_id", "to_status"
    ):
        paths.setdefault(wish_id, []).append(to_status)
    for wish in Wish.objects.all():
        assert paths[wish.pk] == PATHS[wish.status], wish
    assert MenuSuggestion.objects.count() == counts[S.CONVERTED]
    # Claimed and fulfilled wishes belong to active volunteers of their own town.
    for wish in Wish.objects.filter(status__in=[S.CLAIMED, S.FULFILLED]).select_related(
        "claimed_by"
    ):
        assert wish.claimed_by.is_active and wish.claimed_by.town_id == wish.town_id


def test_times_follow_the_steps_and_come_from_the_seeds_clock(seeded):
    half_year = NOW - dt.timedelta(days=181)
    for wish in Wish.objects.all():
        steps = [wish.created_at, wish.approved_at, wish.claimed_at, wish.fulfilled_at]
        present = [t for t in steps if t is not None]
        assert present == sorted(present) and half_year < present[0] and present[-1] < NOW
        rows = {c.to_status: c.created_at for c in wish.status_changes.all()}
        assert rows["submitted"] == wish.created_at
        if wish.fulfilled_at:
            assert rows["fulfilled"] == wish.fulfilled_at
    # Waiting wishes are fresh: a moderation queue of last week, not of last spring.
    for created in Wish.objects.filter(status=S.SUBMITTED).values_list("created_at", flat=True):
        assert NOW - created < dt.timedelta(days=5)


def test_the_article_villages_queue_and_its_volunteers_claim(seeded):
    tuanjie = Village.objects.get(name="团结村", town__name="洪绪镇")
    mine = Wish.objects.filter(village=tuanjie)
    assert mine.filter(status=S.SUBMITTED).count() >= 2
    claimed = mine.get(status=S.CLAIMED, claimed_by=demo_volunteer(tuanjie))
    assert claimed.claimed_at is not None
    # The phone never shows on the wall; the seed gives every wish a valid private one.
    assert all(len(p) == 11 for p in Wish.objects.values_list("phone", flat=True))


def test_the_same_seed_gives_the_same_wishes_and_another_seed_others(seeded):
    assert run() == seeded
    assert run(seed=7) != seeded

"""``orders.eligibility``: the three shapes of the one rule agree on every combination."""

import itertools

import pytest

from orders.eligibility import (
    area_q,
    eligible_volunteers,
    login_volunteer,
    skilled_q,
    volunteer_eligibility,
)
from orders.models import Order, VolunteerSkill
from tests import factories as f
from tests.orders.factories import submit_order


@pytest.mark.parametrize(
    ("active", "home", "place", "skilled"),
    list(itertools.product([True, False], ["same", "other"], ["town", "citywide"], [True, False])),
)
def test_the_three_shapes_agree(
    active, home, place, skilled, tuanjie, other_village, menu_item, lecture_category
):
    volunteer = f.VolunteerFactory(
        home_village=tuanjie if home == "same" else other_village, is_active=active
    )
    if skilled:
        VolunteerSkill.objects.create(volunteer=volunteer, category=lecture_category)
    town_id = tuanjie.town_id if place == "town" else None

    verdict = volunteer_eligibility(volunteer, town_id=town_id, category_id=lecture_category.pk)
    expected = active and (home == "same" or place == "citywide")
    assert verdict.ok == expected
    assert verdict.skilled == skilled

    listed = eligible_volunteers(town_id=town_id, category_id=lecture_category.pk)
    row = listed.filter(pk=volunteer.pk).first()
    assert (row is not None) == expected
    if row is not None:
        assert row.skilled == skilled

    if place == "town":  # an order always has a town
        order = submit_order(tuanjie, menu_item)
        assert Order.objects.filter(area_q(volunteer), pk=order.pk).exists() == expected
        assert Order.objects.filter(skilled_q(volunteer), pk=order.pk).exists() == skilled


def test_not_a_volunteer(db, station_head):
    assert login_volunteer(None) is None
    assert login_volunteer(station_head) is None
    verdict = volunteer_eligibility(login_volunteer(station_head), town_id=None)
    assert not verdict.ok and verdict.volunteer is None

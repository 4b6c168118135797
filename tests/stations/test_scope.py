"""scope_for(): what each kind of login may see — the whole city, a town, or a village."""

import pytest
from django.contrib.auth.models import AnonymousUser

from stations.models import Role, Village
from stations.scope import Scope, scope_for
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_superuser_and_city_admin_see_everything(superuser, city_admin, tuanjie, other_village):
    for user in (superuser, city_admin):
        scope = scope_for(user)
        assert scope.everything and scope.is_admin
        assert set(scope.filter(Village.objects.all(), town="town", village="pk")) == {
            tuanjie,
            other_village,
        }


def test_town_admin_sees_their_town_only(town_admin, tuanjie, neighbour_village, other_village):
    scope = scope_for(town_admin)
    assert not scope.everything and scope.is_admin
    assert scope.town_ids == {tuanjie.town_id}
    assert scope.covers_town(tuanjie.town_id)
    assert not scope.covers_town(other_village.town_id)
    assert scope.covers_village(neighbour_village.pk, neighbour_village.town_id)
    assert not scope.covers_village(other_village.pk, other_village.town_id)
    visible = scope.filter(Village.objects.all(), town="town", village="pk")
    assert set(visible) == {tuanjie, neighbour_village}


def test_station_head_sees_their_village_only(station_head, tuanjie_station, neighbour_village):
    scope = scope_for(station_head)
    assert scope.is_admin
    assert scope.village_ids == {tuanjie_station.village_id}
    assert scope.position_ids == {tuanjie_station.pk}
    assert scope.town_ids == frozenset()
    assert scope.covers_village(tuanjie_station.village_id, tuanjie_station.town_id)
    assert not scope.covers_village(neighbour_village.pk, neighbour_village.town_id)


def test_volunteer_and_resident_have_no_admin_scope(volunteer):
    assert scope_for(volunteer.user).is_empty
    assert not scope_for(volunteer.user).is_admin
    assert scope_for(AnonymousUser()).is_empty
    assert scope_for(None).is_empty


def test_sub_centre_head_sees_the_town(hongxu, tuanjie):
    subcentre = f.SubcentreFactory(town=hongxu)
    user = f.UserFactory()
    Role.objects.create(
        user=user, kind=Role.Kind.STATION_HEAD, city=hongxu.city, position=subcentre
    )
    scope = scope_for(user)
    assert scope.town_ids == {hongxu.pk}
    assert scope.covers_village(tuanjie.pk, tuanjie.town_id)


def test_several_roles_add_up(town_admin, other_village, tuanjie):
    Role.objects.create(
        user=town_admin, kind=Role.Kind.TOWN_ADMIN, city=other_village.town.city,
        town=other_village.town,
    )  # fmt: skip
    scope = scope_for(town_admin)
    assert scope.town_ids == {tuanjie.town_id, other_village.town_id}


def test_scope_is_cached_per_user_object(town_admin, django_assert_num_queries):
    scope_for(town_admin)
    with django_assert_num_queries(0):
        scope_for(town_admin)


def test_covers_organised_an_event_or_record_by_place_or_organiser():
    city = Scope(everything=True)
    town = Scope(town_ids=frozenset({1}))
    head = Scope(village_ids=frozenset({10}), position_ids=frozenset({100}))
    held = {"village_id": 10, "town_id": 1, "position_id": None}
    town_wide = {"village_id": None, "town_id": 1, "position_id": None}
    city_wide = {"village_id": None, "town_id": None, "position_id": None}
    elsewhere = {"village_id": 20, "town_id": 2, "position_id": 100}
    assert all(city.covers_organised(**where) for where in (held, town_wide, city_wide))
    assert town.covers_organised(**held) and town.covers_organised(**town_wide)
    assert not town.covers_organised(**city_wide) and not town.covers_organised(**elsewhere)
    assert head.covers_organised(**held) and head.covers_organised(**elsewhere)  # their station's
    assert not head.covers_organised(**town_wide) and not head.covers_organised(**city_wide)

"""Database constraints of the place hierarchy: names unique within their parent, a station in
exactly one village, areas that match the level of a position and the kind of a role."""

import pytest
from django.core.exceptions import ValidationError

from stations.models import City, Position, Role, Town, Village
from tests import factories as f
from tests.db import violates

pytestmark = pytest.mark.django_db


def test_town_names_unique_within_city(hongxu):
    assert violates(lambda: Town.objects.create(city=hongxu.city, name="洪绪镇"))
    other = City.objects.create(name="邹城市")
    assert not violates(lambda: Town.objects.create(city=other, name="洪绪镇"))


def test_village_names_unique_within_town(tuanjie, hongxu, longquan):
    assert violates(lambda: Village.objects.create(town=hongxu, name="团结村"))
    assert not violates(lambda: Village.objects.create(town=longquan, name="团结村"))


def test_duplicate_village_name_is_a_form_error_not_a_500(tuanjie, hongxu):
    with pytest.raises(ValidationError) as error:
        Village(town=hongxu, name="团结村").full_clean()
    assert "__all__" in error.value.message_dict


def test_kinds_are_checked(hongxu):
    assert violates(lambda: Town.objects.create(city=hongxu.city, name="x", kind="county"))
    assert violates(lambda: Village.objects.create(town=hongxu, name="x", kind="hamlet"))


def test_station_needs_a_village(hongxu):
    def create():
        Position.objects.create(
            level=Position.Level.STATION, name="无村实践站", city=hongxu.city, town=hongxu
        )

    assert violates(create)


def test_one_station_per_village(tuanjie_station):
    assert violates(lambda: f.StationFactory(village=tuanjie_station.village, name="第二个站"))


def test_a_village_may_host_other_positions_than_its_station(tuanjie_station, hongxu):
    # A sub-centre has no village; the centre neither a town nor a village.
    assert not violates(lambda: f.SubcentreFactory(town=hongxu))
    assert violates(
        lambda: Position.objects.create(
            level=Position.Level.CENTRE, name="中心", city=hongxu.city, town=hongxu
        )
    )
    assert violates(
        lambda: Position.objects.create(
            level=Position.Level.SUBCENTRE,
            name="所",
            city=hongxu.city,
            town=hongxu,
            village=tuanjie_station.village,
        )
    )


def test_city_venues_are_city_level_subcentres(city):
    venue = Position.objects.create(
        level=Position.Level.SUBCENTRE, name="滕州市图书馆新时代文明实践分中心", city=city
    )
    assert venue.area_name == "滕州市"


def test_role_area_matches_kind(city, hongxu, tuanjie_station):
    user = f.UserFactory()
    assert violates(lambda: Role.objects.create(user=user, kind=Role.Kind.TOWN_ADMIN, city=city))
    assert violates(
        lambda: Role.objects.create(user=user, kind=Role.Kind.CITY_ADMIN, city=city, town=hongxu)
    )
    assert violates(
        lambda: Role.objects.create(user=user, kind=Role.Kind.STATION_HEAD, city=city, town=hongxu)
    )
    assert not violates(
        lambda: Role.objects.create(
            user=user, kind=Role.Kind.STATION_HEAD, city=city, position=tuanjie_station
        )
    )
    # The same role twice is refused.
    assert violates(
        lambda: Role.objects.create(
            user=user, kind=Role.Kind.STATION_HEAD, city=city, position=tuanjie_station
        )
    )


def test_position_names_unique_within_their_area(city, hongxu, tuanjie_station):
    Position.objects.create(level=Position.Level.CENTRE, name="实践中心", city=city)
    assert violates(
        lambda: Position.objects.create(level=Position.Level.CENTRE, name="实践中心", city=city)
    )
    f.SubcentreFactory(town=hongxu, name="洪绪镇新时代文明实践所")
    assert violates(lambda: f.SubcentreFactory(town=hongxu, name="洪绪镇新时代文明实践所"))
    # The same name in another area is fine.
    assert not violates(
        lambda: Position.objects.create(
            level=Position.Level.SUBCENTRE, name="洪绪镇新时代文明实践所", city=city
        )
    )

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


def test_a_repeat_request_reads_no_roles(town_admin, django_assert_num_queries):
    """Every signed-in page asks for the scope: a new request (a new user object) finds it kept
    per process under the roles' generation token."""
    from django.contrib.auth import get_user_model

    scope_for(town_admin)
    again = get_user_model().objects.get(pk=town_admin.pk)  # the next request's user
    with django_assert_num_queries(0):
        assert scope_for(again) == scope_for(town_admin)


def test_a_revoked_granted_or_moved_role_shows_on_the_next_request(
    client, town_admin, hongxu, longquan, tuanjie, other_village, station_head, tuanjie_station
):
    """A kept scope is access control: what an administrator changes holds at once, in every
    worker (the token is in the shared cache), with no wait for anything to expire."""
    client.force_login(town_admin)
    town_page = "/reports/?town={}"
    assert client.get(town_page.format(hongxu.pk)).status_code == 200
    assert client.get(town_page.format(longquan.pk)).status_code == 404

    role = Role.objects.get(user=town_admin)
    role.town = longquan
    role.save()
    assert client.get(town_page.format(hongxu.pk)).status_code == 404
    assert client.get(town_page.format(longquan.pk)).status_code == 200

    Role.objects.filter(user=town_admin).delete()
    assert client.get(town_page.format(longquan.pk)).status_code == 404

    # A station moved to another village takes its head's scope along.
    client.force_login(station_head)
    village_page = "/reports/?village={}"
    assert client.get(village_page.format(tuanjie.pk)).status_code == 200
    tuanjie_station.village = other_village
    tuanjie_station.town = other_village.town
    tuanjie_station.save()
    assert client.get(village_page.format(tuanjie.pk)).status_code == 404
    assert client.get(village_page.format(other_village.pk)).status_code == 200


def test_the_navigation_follows_a_login_becoming_a_volunteer_or_a_head(
    client, tuanjie, tuanjie_station
):
    """The menu is kept per login between pages; a volunteer profile linked to the login, or a
    station given to it, adds its entries on the next page, and taking them away removes them."""
    user = f.UserFactory(username="newcomer")
    client.force_login(user)

    def menu() -> set[str]:
        page = client.get("/").content.decode()
        nav = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
        return {href for href in ("/volunteer/", "/station/orders/") if f'href="{href}"' in nav}

    assert menu() == set()
    volunteer = f.VolunteerFactory(home_village=tuanjie, user=user)
    assert menu() == {"/volunteer/"}
    role = Role.objects.create(
        user=user, kind=Role.Kind.STATION_HEAD, city=tuanjie_station.city, position=tuanjie_station
    )
    assert menu() == {"/volunteer/", "/station/orders/"}
    role.delete()
    volunteer.delete()
    assert menu() == set()

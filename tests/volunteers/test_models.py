"""Volunteer organisation constraints: a team's area follows its kind, names are unique within
the parent team, a volunteer joins a team once, and a volunteer's town follows the home village."""

import pytest

from tests.db import violates
from volunteers.models import Membership, Team, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def general(city):
    return Team.objects.create(name="滕州市志愿服务总队", kind=Team.Kind.GENERAL, city=city)


def test_team_area_matches_kind(city, hongxu, tuanjie, general):
    def team(kind, **area):
        return lambda: Team.objects.create(name=f"{kind}队", kind=kind, city=city, **area)

    assert violates(team(Team.Kind.GENERAL, town=hongxu))
    assert violates(team(Team.Kind.DETACHMENT, village=tuanjie, town=hongxu))
    assert violates(team(Team.Kind.TOWN_DETACHMENT))
    assert violates(team(Team.Kind.SQUAD, town=hongxu, village=tuanjie))
    assert violates(team(Team.Kind.VILLAGE_TEAM, town=hongxu))
    assert violates(team("club"))
    assert not violates(team(Team.Kind.DETACHMENT))
    assert not violates(team(Team.Kind.TOWN_DETACHMENT, town=hongxu))
    assert not violates(team(Team.Kind.VILLAGE_TEAM, town=hongxu, village=tuanjie))


def test_team_names_unique_within_parent(city, general):
    Team.objects.create(
        name="党员志愿服务支队", kind=Team.Kind.DETACHMENT, city=city, parent=general
    )
    assert violates(
        lambda: Team.objects.create(
            name="党员志愿服务支队", kind=Team.Kind.DETACHMENT, city=city, parent=general
        )
    )
    other = Team.objects.create(name="另一总队", kind=Team.Kind.GENERAL, city=city)
    assert not violates(
        lambda: Team.objects.create(
            name="党员志愿服务支队", kind=Team.Kind.DETACHMENT, city=city, parent=other
        )
    )


def test_a_volunteer_joins_a_team_once(volunteer):
    team = volunteer.teams.get()
    assert violates(lambda: Membership.objects.create(team=team, volunteer=volunteer))


def test_volunteer_town_follows_home_village(tuanjie, other_village):
    volunteer = Volunteer(name="王芳", home_village=tuanjie)
    volunteer.save()
    assert volunteer.town == tuanjie.town
    volunteer.home_village = other_village
    volunteer.save()
    volunteer.refresh_from_db()
    assert volunteer.town == other_village.town


def test_given_name_hides_the_surname():
    assert Volunteer(name="张明").given_name == "明"
    assert Volunteer(name="欧阳娜娜").given_name == "阳娜娜"
    assert Volunteer(name="明").given_name == "明"


def test_team_members_through_memberships(volunteer, tuanjie):
    team = Team.objects.get(village=tuanjie)
    assert list(team.members.all()) == [volunteer]


def test_top_level_team_names_unique_within_city(general, city):
    assert violates(
        lambda: Team.objects.create(name="滕州市志愿服务总队", kind=Team.Kind.GENERAL, city=city)
    )

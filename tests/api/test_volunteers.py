"""/api/teams/, /api/volunteers/, /api/me/: login, scoped to the caller's area, PIPL-safe."""

import pytest

from orders.models import VolunteerSkill
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(volunteer, tuanjie, neighbour_village, other_village, city):
    """Volunteers in 团结村 (besides the named one), 前进村 and 龙泉社区, and city-level teams."""
    general = f.TeamFactory(name="志愿服务总队", kind="general", village=None, town=None, city=city)
    f.TeamFactory(
        name="党员支队", kind="detachment", village=None, town=None, city=city, parent=general
    )
    mate = f.VolunteerFactory(name="李华", home_village=tuanjie, phone="13900002222")
    near = f.VolunteerFactory(name="王强", home_village=neighbour_village, phone="13900003333")
    far = f.VolunteerFactory(name="赵敏", home_village=other_village, phone="13900004444")
    f.TeamFactory(name="龙泉社区志愿服务队", village=other_village)
    return {"mate": mate, "near": near, "far": far}


def names(response):
    assert response.status_code == 200, response.content
    return {v["name"] for v in response.json()["results"]}


def test_login_required(api, crowd):
    for url in [
        "/api/teams/",
        "/api/volunteers/",
        f"/api/volunteers/{crowd['mate'].id}/",
        "/api/me/",
    ]:
        response = api.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"


def test_town_admin_sees_town_volunteers_with_phones(as_user, town_admin, crowd):
    response = as_user(town_admin).get("/api/volunteers/")
    assert names(response) == {"张明", "李华", "王强"}
    phones = {v["name"]: v["phone"] for v in response.json()["results"]}
    assert phones["王强"] == "13900003333"


def test_outside_the_area_is_404(as_user, town_admin, other_town_admin, crowd):
    assert as_user(town_admin).get(f"/api/volunteers/{crowd['far'].id}/").status_code == 404
    assert as_user(other_town_admin).get(f"/api/volunteers/{crowd['near'].id}/").status_code == 404
    response = as_user(other_town_admin).get(f"/api/volunteers/{crowd['far'].id}/")
    assert response.json()["phone"] == "13900004444"


def test_station_head_sees_the_village(as_user, station_head, crowd):
    assert names(as_user(station_head).get("/api/volunteers/")) == {"张明", "李华"}


def test_city_admin_sees_everyone(as_user, city_admin, crowd):
    assert names(as_user(city_admin).get("/api/volunteers/")) == {"张明", "李华", "王强", "赵敏"}


def test_volunteer_sees_own_village_with_only_own_phone(as_user, volunteer_user, crowd):
    response = as_user(volunteer_user).get("/api/volunteers/")
    assert names(response) == {"张明", "李华"}
    by_name = {v["name"]: v for v in response.json()["results"]}
    assert by_name["张明"]["phone"] == "13900001111"
    assert by_name["李华"]["phone"] is None
    assert by_name["李华"]["phone_masked"] == "139****2222"
    client = as_user(volunteer_user)
    assert client.get(f"/api/volunteers/{crowd['near'].id}/").status_code == 404


def test_login_without_any_role_sees_nobody(as_user, crowd):
    assert names(as_user(f.UserFactory()).get("/api/volunteers/")) == set()


def test_volunteer_filters(as_user, city_admin, volunteer, lecture_category, crowd, tuanjie):
    client = as_user(city_admin)
    assert names(client.get("/api/volunteers/", {"village": tuanjie.id})) == {"张明", "李华"}
    assert names(client.get("/api/volunteers/", {"skill": lecture_category.id})) == {"张明"}
    team = volunteer.teams.get()
    assert names(client.get("/api/volunteers/", {"team": team.id})) == {"张明"}
    assert names(client.get("/api/volunteers/", {"search": "赵"})) == {"赵敏"}
    ordered = client.get("/api/volunteers/", {"ordering": "-hours_total"})
    assert ordered.status_code == 200
    assert client.get("/api/volunteers/", {"skill": "x"}).status_code == 400
    assert client.get("/api/volunteers/", {"joined_after": "not-a-date"}).status_code == 400


def test_volunteer_detail_has_teams_and_skills(as_user, volunteer_user, volunteer):
    body = as_user(volunteer_user).get(f"/api/volunteers/{volunteer.id}/").json()
    assert body["teams"] == [{"id": volunteer.teams.get().id, "name": "团结村志愿服务队"}]
    assert [s["code"] for s in body["skills"]] == ["lecture"]
    assert body["home_village"]["name"] == "团结村"


def test_teams_scoped(as_user, town_admin, other_town_admin, volunteer_user, crowd):
    team_names = {"志愿服务总队", "党员支队", "团结村志愿服务队"}
    response = as_user(town_admin).get("/api/teams/")
    assert {t["name"] for t in response.json()["results"]} == team_names
    response = as_user(volunteer_user).get("/api/teams/")
    assert {t["name"] for t in response.json()["results"]} == team_names
    response = as_user(other_town_admin).get("/api/teams/")
    assert {t["name"] for t in response.json()["results"]} == {
        "志愿服务总队",
        "党员支队",
        "龙泉社区志愿服务队",
    }
    tuanjie_team = crowd["mate"].home_village.teams.get()
    assert as_user(other_town_admin).get(f"/api/teams/{tuanjie_team.id}/").status_code == 404
    body = as_user(town_admin).get(f"/api/teams/{tuanjie_team.id}/").json()
    assert body["member_count"] == 1
    assert body["village"] == {"id": tuanjie_team.village_id, "name": "团结村"}
    assert body["kind_label"] == "村级志愿服务队"


def test_teams_filters(as_user, city_admin, crowd, tuanjie):
    client = as_user(city_admin)
    response = client.get("/api/teams/", {"kind": "detachment"})
    assert {t["name"] for t in response.json()["results"]} == {"党员支队"}
    response = client.get("/api/teams/", {"village": tuanjie.id})
    assert {t["name"] for t in response.json()["results"]} == {"团结村志愿服务队"}
    assert client.get("/api/teams/", {"kind": "band"}).status_code == 400


def test_me_for_a_station_head(as_user, station_head, tuanjie_station):
    body = as_user(station_head).get("/api/me/").json()
    assert body["username"] == "head-tuanjie"
    assert body["roles"] == [
        {
            "kind": "station_head",
            "kind_label": "站长",
            "city": {"id": tuanjie_station.city_id, "name": "滕州市"},
            "town": None,
            "position": {"id": tuanjie_station.id, "name": tuanjie_station.name},
        }
    ]
    assert body["scope"] == {
        "everything": False,
        "towns": [],
        "villages": [tuanjie_station.village_id],
        "positions": [tuanjie_station.id],
    }
    assert body["volunteer"] is None


def test_me_for_a_volunteer_and_admins(
    as_user, volunteer_user, volunteer, town_admin, hongxu, city_admin
):
    body = as_user(volunteer_user).get("/api/me/").json()
    assert body["roles"] == []
    assert body["volunteer"]["id"] == volunteer.id
    assert body["volunteer"]["home_village"]["name"] == "团结村"
    assert body["name"] == "张明"
    body = as_user(town_admin).get("/api/me/").json()
    assert body["scope"]["towns"] == [hongxu.id]
    assert body["roles"][0]["town"] == {"id": hongxu.id, "name": "洪绪镇"}
    assert as_user(city_admin).get("/api/me/").json()["scope"]["everything"] is True


def test_me_with_session_login(client, station_head):
    client.force_login(station_head)
    assert client.get("/api/me/").json()["username"] == "head-tuanjie"


def _many_volunteers(city, n_towns=3, per_village=4):
    for _ in range(n_towns):
        town = f.TownFactory(city=city)
        for _ in range(3):
            village = f.VillageFactory(town=town)
            team = f.TeamFactory(village=village)
            category = f.ServiceCategoryFactory()
            for _ in range(per_village):
                vol = f.VolunteerFactory(home_village=village)
                f.MembershipFactory(team=team, volunteer=vol)
                VolunteerSkill.objects.create(volunteer=vol, category=category)


def test_volunteer_list_query_count_is_pinned(
    as_user, city_admin, town_admin, hongxu, city, django_assert_num_queries
):
    _many_volunteers(city)
    for i in range(5):
        f.VolunteerFactory(home_village=f.VillageFactory(town=hongxu, name=f"村{i}"))
    city_client, town_client = as_user(city_admin), as_user(town_admin)
    # token+user, roles, count, page, teams, skills
    with django_assert_num_queries(6):
        assert city_client.get("/api/volunteers/").json()["count"] == 41
    # + the caller's own volunteer record (none)
    with django_assert_num_queries(7):
        assert town_client.get("/api/volunteers/").json()["count"] == 5


def test_team_list_query_count_is_pinned(as_user, city_admin, city, django_assert_num_queries):
    _many_volunteers(city)
    client = as_user(city_admin)
    with django_assert_num_queries(4):  # token+user, roles, count, page
        assert client.get("/api/teams/").json()["count"] == 9


def test_me_query_count_is_pinned(as_user, station_head, django_assert_num_queries):
    client = as_user(station_head)
    with django_assert_num_queries(4):  # token+user, scope roles, roles, volunteer
        client.get("/api/me/")

"""The wish wall API through its URLs: the public wall without contact details, posting and its
refusals, moderation by the station head, the claim by volunteers of the town (race-safe, on
PostgreSQL, through the API), fulfilment and conversion, and every rejection."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from events.models import Event
from tests import factories as f
from wishes import services
from wishes.models import DESCRIPTION_MAX, MenuSuggestion, Wish, WishStatusChange

S = Wish.Status


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    if code:
        assert body["code"] == code
    return body


def submit(tuanjie, category, text, phone="13812341234"):
    return services.wish_submit(
        village=tuanjie, category=category, description=text, phone=phone, name="李大娘"
    )


@pytest.fixture
def payload(tuanjie, lecture_category):
    return {
        "village": tuanjie.pk,
        "category": lecture_category.pk,
        "description": "想请人教老人用智能手机视频通话",
        "name": "李大娘",
        "phone": "138 1234 1234",
    }


# --- posting ----------------------------------------------------------------------------------


def test_a_resident_posts_a_wish_that_waits_for_review(api, payload, tuanjie):
    response = api.post("/api/wishes/", payload, format="json")
    assert response.status_code == 201
    wish = Wish.objects.get()
    assert response.json() == {"id": wish.pk, "status": "submitted"}
    assert (wish.phone, wish.name, wish.village) == ("13812341234", "李大娘", tuanjie)
    assert WishStatusChange.objects.filter(wish=wish, to_status=S.SUBMITTED).count() == 1
    # Not public before the station head approves it.
    assert api.get("/api/wishes/").json()["count"] == 0
    assert_error(api.get(f"/api/wishes/{wish.pk}/"), 404, "not_found")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": "有事打 13912345678"}, "description", "请不要在其中填写电话号码"),
        (
            {"description": "有事打１３９１２３４５６７８"},
            "description",
            "请不要在其中填写电话号码",
        ),
        (
            {"description": "很" * (DESCRIPTION_MAX + 1)},
            "description",
            f"最多 {DESCRIPTION_MAX} 字",
        ),
        ({"description": ""}, "description", ""),
        ({"phone": "12345"}, "phone", "11位"),
        ({"name": "名" * 21}, "name", "最多 20 字"),
        ({"village": 0}, "village", ""),
        ({"village": "1"}, "village", ""),
        ({"category": 0}, "category", ""),
    ],
)
def test_bad_input_is_400_per_field_and_nothing_is_written(api, payload, overrides, field, message):
    body = assert_error(api.post("/api/wishes/", payload | overrides, format="json"), 400)
    assert field in body["fields"]
    assert message in " ".join(body["fields"][field])
    assert not Wish.objects.exists()


def test_a_village_that_does_not_exist_is_404_naming_it(api, payload):
    response = api.post("/api/wishes/", payload | {"village": 999999}, format="json")
    body = assert_error(response, 404)
    assert list(body["fields"]) == ["village"]
    assert not Wish.objects.exists()


def test_posting_shares_the_pages_budget_per_address(api, client, payload, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"wish_submit_ip": "2/hour"}
    }
    assert api.post("/api/wishes/", payload, format="json").status_code == 201
    client.post("/wishes/new/", payload | {"description": "第二个心愿"})  # the page's door
    response = api.post("/api/wishes/", payload | {"description": "第三个"}, format="json")
    body = assert_error(response, 429, "throttled")
    assert "分钟后再试" in body["detail"] and int(response["Retry-After"]) > 0
    assert Wish.objects.count() == 2


# --- the public wall --------------------------------------------------------------------------


def test_the_wall_lists_approved_wishes_without_contact(
    api, tuanjie, lecture_category, station_head, volunteer
):
    shown = submit(tuanjie, lecture_category, "想学做家常菜")
    services.wish_approve(wish_id=shown.pk, actor=station_head)
    services.wish_claim(wish_id=shown.pk, actor=volunteer.user)
    submit(tuanjie, lecture_category, "还没审核的心愿")
    turned_down = submit(tuanjie, lecture_category, "被退回的心愿")
    services.wish_reject(wish_id=turned_down.pk, actor=station_head, reason="不属于心愿墙")
    body = api.get("/api/wishes/").json()
    assert [w["description"] for w in body["results"]] == ["想学做家常菜"]
    (row,) = body["results"]
    assert row["status"] == "claimed" and row["claimed_by"] == volunteer.given_name
    assert row["village"] == {"id": tuanjie.pk, "name": "团结村"}
    assert "phone" not in row and "name" not in row
    assert "13812341234" not in str(body)
    # A wish outside the wall is not in the list whatever the filter asks for.
    assert_error(api.get("/api/wishes/", {"status": "rejected"}), 400, "invalid")
    assert_error(api.get("/api/wishes/", {"status": "submitted"}), 400, "invalid")


def test_the_wall_filters_by_town_village_category_and_status(
    api, tuanjie, other_village, lecture_category, station_head, city_admin
):
    here = submit(tuanjie, lecture_category, "团结村的心愿")
    there = submit(other_village, lecture_category, "龙泉社区的心愿")
    for wish in (here, there):
        services.wish_approve(wish_id=wish.pk, actor=city_admin)

    def ids(**query):
        return [w["id"] for w in api.get("/api/wishes/", query).json()["results"]]

    assert ids(village=tuanjie.pk) == [here.pk]
    assert ids(town=other_village.town_id) == [there.pk]
    assert ids(status="claimed") == []
    assert sorted(ids(category=lecture_category.pk)) == sorted([here.pk, there.pk])
    assert_error(api.get("/api/wishes/", {"village": "0"}), 400)
    assert_error(api.get("/api/wishes/", {"town": "x"}), 400)


def test_one_wish_shows_contact_only_to_its_admins_and_its_volunteer(
    api, as_user, open_wish, station_head, volunteer, town_volunteer, other_town_admin
):
    assert api.get(f"/api/wishes/{open_wish.pk}/").json()["phone"] is None
    assert as_user(town_volunteer.user).get(f"/api/wishes/{open_wish.pk}/").json()["phone"] is None
    assert as_user(station_head).get(f"/api/wishes/{open_wish.pk}/").json()["phone"] == (
        "13812341234"
    )
    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    body = as_user(volunteer.user).get(f"/api/wishes/{open_wish.pk}/").json()
    assert (body["name"], body["phone"]) == ("李大娘", "13812341234")
    # Another town's admin sees the public wish, not its contact.
    body = as_user(other_town_admin).get(f"/api/wishes/{open_wish.pk}/").json()
    assert body["phone"] is None and body["name"] is None


def test_a_wish_not_yet_public_is_404_outside_its_area(as_user, wish, other_town_admin, volunteer):
    for user in (other_town_admin, volunteer.user):
        assert_error(as_user(user).get(f"/api/wishes/{wish.pk}/"), 404)
    assert_error(as_user(volunteer.user).get("/api/wishes/999999/"), 404)


# --- moderation ---------------------------------------------------------------------------------


def test_the_station_head_approves_from_their_queue(as_user, wish, station_head):
    head = as_user(station_head)
    queue = head.get("/api/wishes/mine/", {"status": "submitted"}).json()
    assert [w["id"] for w in queue["results"]] == [wish.pk]
    assert queue["results"][0]["phone"] == "13812341234"
    response = head.post(f"/api/wishes/{wish.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "open"
    wish.refresh_from_db()
    assert wish.status == S.OPEN and wish.approved_at is not None
    assert WishStatusChange.objects.filter(wish=wish, to_status=S.OPEN, actor=station_head).exists()
    # Approving twice: the state no longer allows it.
    body = assert_error(head.post(f"/api/wishes/{wish.pk}/approve/"), 409, "conflict")
    assert "待认领" in body["detail"]


def test_reject_needs_a_reason_and_keeps_it(as_user, wish, station_head):
    head = as_user(station_head)
    assert "reason" in assert_error(head.post(f"/api/wishes/{wish.pk}/reject/", {}), 400)["fields"]
    response = head.post(f"/api/wishes/{wish.pk}/reject/", {"reason": "请直接联系村委会"})
    assert response.status_code == 200
    assert response.json()["reason"] == "请直接联系村委会"
    wish.refresh_from_db()
    assert wish.status == S.REJECTED


def test_who_may_not_moderate_gets_404(api, as_user, wish, other_town_admin, volunteer):
    assert_error(api.post(f"/api/wishes/{wish.pk}/approve/"), 401)
    for user in (other_town_admin, volunteer.user):
        assert_error(as_user(user).post(f"/api/wishes/{wish.pk}/approve/"), 404)
        assert_error(as_user(user).post(f"/api/wishes/{wish.pk}/reject/", {"reason": "x"}), 404)
    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED


def test_mine_is_the_area_for_admins_and_the_claims_for_volunteers(
    as_user,
    tuanjie,
    other_village,
    lecture_category,
    station_head,
    city_admin,
    volunteer,
    town_volunteer,
):
    here = submit(tuanjie, lecture_category, "团结村的心愿")
    there = submit(other_village, lecture_category, "龙泉社区的心愿")
    services.wish_approve(wish_id=here.pk, actor=station_head)
    services.wish_claim(wish_id=here.pk, actor=volunteer.user)

    def ids(user):
        return sorted(w["id"] for w in as_user(user).get("/api/wishes/mine/").json()["results"])

    assert ids(station_head) == [here.pk]
    assert ids(city_admin) == sorted([here.pk, there.pk])
    assert ids(volunteer.user) == [here.pk]
    assert ids(town_volunteer.user) == []


# --- claim, fulfil, release -------------------------------------------------------------------


def test_a_volunteer_of_the_town_claims_and_fulfils(as_user, open_wish, volunteer):
    client = as_user(volunteer.user)
    response = client.post(f"/api/wishes/{open_wish.pk}/claim/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "claimed" and body["phone"] == "13812341234"
    assert_error(client.post(f"/api/wishes/{open_wish.pk}/claim/"), 409, "conflict")
    assert (
        "note"
        in assert_error(client.post(f"/api/wishes/{open_wish.pk}/fulfil/", {}), 400)["fields"]
    )
    response = client.post(f"/api/wishes/{open_wish.pk}/fulfil/", {"note": "已上门教会"})
    assert response.status_code == 200 and response.json()["status"] == "fulfilled"
    open_wish.refresh_from_db()
    assert open_wish.fulfil_note == "已上门教会" and open_wish.fulfilled_at is not None


def test_claim_refusals(
    as_user, wish, open_wish, far_volunteer, inactive_volunteer, station_head, town_volunteer
):
    # Another town's volunteer: the wish is not theirs to see → 404; not a volunteer → 403.
    assert_error(as_user(far_volunteer.user).post(f"/api/wishes/{open_wish.pk}/claim/"), 404)
    assert_error(as_user(inactive_volunteer.user).post(f"/api/wishes/{open_wish.pk}/claim/"), 403)
    assert_error(as_user(station_head).post(f"/api/wishes/{open_wish.pk}/claim/"), 403)
    open_wish.refresh_from_db()
    assert open_wish.status == S.OPEN and open_wish.claimed_by is None


def test_a_wish_waiting_for_review_cannot_be_claimed(
    as_user, tuanjie, lecture_category, town_volunteer
):
    waiting = submit(tuanjie, lecture_category, "还在审核")
    assert_error(as_user(town_volunteer.user).post(f"/api/wishes/{waiting.pk}/claim/"), 404)


def test_release_gives_it_back_with_a_reason(as_user, open_wish, volunteer, town_volunteer):
    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    assert_error(
        as_user(town_volunteer.user).post(f"/api/wishes/{open_wish.pk}/release/", {"reason": "x"}),
        404,
    )
    response = as_user(volunteer.user).post(
        f"/api/wishes/{open_wish.pk}/release/", {"reason": "临时外出"}
    )
    assert response.status_code == 200 and response.json()["status"] == "open"
    assert response.json()["claimed_by"] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_claims_through_the_api_let_exactly_one_through(
    tuanjie, neighbour_village, lecture_category, station_head
):
    if connection.vendor != "postgresql":
        pytest.skip("a race needs PostgreSQL's row locks")
    from rest_framework.authtoken.models import Token

    wish = submit(tuanjie, lecture_category, "修一下村口的长椅")
    services.wish_approve(wish_id=wish.pk, actor=station_head)
    tokens = []
    for n in range(6):
        user = f.UserFactory(username=f"api-racer{n}")
        f.VolunteerFactory(name=f"志愿者{n}", home_village=neighbour_village, user=user)
        tokens.append(Token.objects.create(user=user).key)
    barrier = threading.Barrier(len(tokens))
    statuses: list[int] = []

    def claim(token):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait()
            statuses.append(client.post(f"/api/wishes/{wish.pk}/claim/").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [409] * 5
    assert WishStatusChange.objects.filter(wish=wish, to_status=S.CLAIMED).count() == 1


# --- conversion ---------------------------------------------------------------------------------


def test_the_head_turns_a_wish_into_a_draft_event(as_user, open_wish, station_head):
    head = as_user(station_head)
    times = {"start": "2026-12-12T09:00:00+08:00", "end": "2026-12-12T11:00:00+08:00"}
    body = assert_error(
        head.post(f"/api/wishes/{open_wish.pk}/to-event/", times | {"end": times["start"]}), 400
    )
    assert "end" in body["fields"]
    assert (
        "start"
        in assert_error(
            head.post(
                f"/api/wishes/{open_wish.pk}/to-event/", times | {"start": "1900-01-01T09:00"}
            ),
            400,
        )["fields"]
    )
    response = head.post(f"/api/wishes/{open_wish.pk}/to-event/", times)
    assert response.status_code == 200
    event = Event.objects.get()
    assert response.json()["status"] == "converted" and response.json()["event"] == event.pk
    assert event.state == Event.State.DRAFT and event.village_id == open_wish.village_id
    assert_error(head.post(f"/api/wishes/{open_wish.pk}/to-event/", times), 409)
    assert Event.objects.count() == 1


def test_the_head_turns_a_wish_into_a_menu_suggestion(as_user, wish, station_head, volunteer):
    url = f"/api/wishes/{wish.pk}/to-suggestion/"
    assert_error(as_user(volunteer.user).post(url, {"title": "智能手机辅导"}), 404)
    assert "title" in assert_error(as_user(station_head).post(url, {}), 400)["fields"]
    response = as_user(station_head).post(url, {"title": "智能手机辅导"})
    assert response.status_code == 200 and response.json()["status"] == "converted"
    suggestion = MenuSuggestion.objects.get()
    assert suggestion.title == "智能手机辅导" and suggestion.town_id == wish.town_id


# --- methods and query counts -------------------------------------------------------------------


def test_wrong_methods_are_405(api, as_user, wish, station_head):
    assert_error(api.get(f"/api/wishes/{wish.pk}/approve/"), 401)
    assert_error(as_user(station_head).get(f"/api/wishes/{wish.pk}/approve/"), 405)
    assert_error(as_user(station_head).delete(f"/api/wishes/{wish.pk}/"), 405)


@pytest.fixture
def busy_wall(tuanjie, neighbour_village, lecture_category, station_head, town_admin):
    """A town's wall with wishes in every public state, so an N+1 would show."""

    def make(n: int) -> None:
        claimers = [
            f.VolunteerFactory(home_village=neighbour_village, user=f.UserFactory())
            for _ in range(3)
        ]
        for i in range(n):
            wish = submit(tuanjie, lecture_category, f"心愿 {i}")
            services.wish_approve(wish_id=wish.pk, actor=town_admin)
            if i % 2:
                services.wish_claim(wish_id=wish.pk, actor=claimers[i % 3].user)
            submit(neighbour_village, lecture_category, f"待审核 {i}")

    return make


@pytest.mark.parametrize("n", [3, 24])
def test_public_wall_query_count_does_not_grow(api, busy_wall, n, django_assert_num_queries):
    busy_wall(n)
    with django_assert_num_queries(2):  # count, page (places, category, volunteer joined)
        body = api.get("/api/wishes/").json()
    assert body["count"] == n


@pytest.mark.parametrize("n", [3, 24])
def test_mine_query_count_does_not_grow(
    as_user, busy_wall, town_admin, n, django_assert_max_num_queries
):
    busy_wall(n)
    client = as_user(town_admin)
    # the token, the login's roles, its volunteer record (none), count, page; whatever n is
    with django_assert_max_num_queries(5):
        body = client.get("/api/wishes/mine/").json()
    assert body["count"] == 2 * n

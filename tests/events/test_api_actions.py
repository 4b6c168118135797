"""The event page's remaining actions through the API: the volunteers table and confirming hours
(``/api/events/<id>/volunteers/``), photo upload (``/api/events/<id>/photos/``) and the photos in
the event detail. Scoped and state-checked by the same services as the page."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from events import checkin, services
from events.models import EventPhoto, EventVolunteer
from events.validators import MAX_PHOTO_BYTES
from tests import factories as f
from tests.events.conftest import at
from volunteers.models import ServiceRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def outsiders(as_user, other_town_admin, neighbour_head, volunteer_user, volunteer):
    """Logins that may read a published event but not manage it: each gets a 404."""
    return {
        "other town admin": as_user(other_town_admin),
        "neighbour station head": as_user(neighbour_head),
        "volunteer": as_user(volunteer_user),
    }


def _png(size: int = 8) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), "red").save(buf, format="PNG")
    return buf.getvalue()


def _upload(name: str = "site.png", content: bytes | None = None, content_type="image/png"):
    return SimpleUploadedFile(name, _png() if content is None else content, content_type)


# --- volunteers: list ---------------------------------------------------------------------------


def test_volunteers_list_shows_the_page_table(head, make_event, volunteer, tuanjie, station_head):
    event = make_event(start=at(2026, 11, 20, 9, 0), state="published")
    checkin.checkin_volunteer(event=event, user=volunteer.user)
    other = f.VolunteerFactory(name="李华", home_village=tuanjie)
    services.event_volunteer_confirm(
        user=station_head, event=event, volunteer=other, hours=Decimal("1.5")
    )

    response = head.get(f"/api/events/{event.pk}/volunteers/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    checked_in, confirmed = body["results"]
    assert checked_in["volunteer"] == {"id": volunteer.pk, "name": "张明"}
    assert checked_in["checked_in"] is True and checked_in["confirmed"] is False
    assert checked_in["hours"] == "2.0"  # the event's length, set at check-in
    assert confirmed["volunteer"] == {"id": other.pk, "name": "李华"}
    assert confirmed["confirmed"] is True and confirmed["checked_in"] is False
    assert confirmed["hours"] == "1.5" and confirmed["hours_credited"] is True
    assert checked_in["hours_credited"] is False  # self check-in: pending until confirmed


def test_town_admin_and_city_admin_see_the_volunteers(as_user, town_admin, city_admin, make_event):
    event = make_event()  # a draft: only its managers know it exists
    for user in (town_admin, city_admin):
        response = as_user(user).get(f"/api/events/{event.pk}/volunteers/")
        assert response.status_code == 200, user
        assert response.json()["count"] == 0


# (who, method, event, status, code): the event is ``published`` or a number no event has.
VOLUNTEERS_LIST_REJECTIONS = [
    ("anonymous", "get", "published", 401, "not_authenticated"),
    ("other_town_admin", "get", "published", 404, "not_found"),
    ("neighbour_head", "get", "published", 404, "not_found"),
    ("volunteer", "get", "published", 404, "not_found"),
    ("station_head", "get", 999999, 404, "not_found"),
    ("station_head", "get", 10**20, 404, "not_found"),  # beyond the database's integers
    ("station_head", "delete", "published", 405, "method_not_allowed"),
]


@pytest.mark.parametrize(("who", "method", "event", "status", "code"), VOLUNTEERS_LIST_REJECTIONS)
def test_volunteers_list_rejections(who, method, event, status, code, api_as, make_event):
    if event == "published":
        event = make_event(state="published").pk
    response = getattr(api_as(who), method)(f"/api/events/{event}/volunteers/")
    assert response.status_code == status
    assert response.json()["code"] == code


def test_volunteers_list_query_count(
    head, make_event, tuanjie, station_head, django_assert_num_queries
):
    event = make_event(start=at(2026, 11, 20, 9, 0), state="published")
    for n in range(30):
        services.event_volunteer_confirm(
            user=station_head,
            event=event,
            volunteer=f.VolunteerFactory(home_village=tuanjie),
            hours=Decimal(n % 5 + 1),
        )
    # token + user, the event, the caller's roles, count, page (volunteers joined)
    with django_assert_num_queries(5):
        response = head.get(f"/api/events/{event.pk}/volunteers/")
    assert response.status_code == 200
    assert response.json()["count"] == 30
    assert len({row["volunteer"]["name"] for row in response.json()["results"]}) == 30


# --- volunteers: confirm hours ------------------------------------------------------------------


def test_confirm_hours_credits_at_once_and_other_hours_correct_them(head, make_event, tuanjie):
    event = make_event(start=at(2026, 11, 19, 9, 0), state="published")
    helper = f.VolunteerFactory(home_village=tuanjie)

    response = head.post(
        f"/api/events/{event.pk}/volunteers/",
        {"volunteer": helper.pk, "hours": "2.5"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "volunteer": {"id": helper.pk, "name": helper.name},
        "hours": "2.5",
        "checked_in": False,
        "confirmed": True,
        "hours_credited": True,
        "created_at": response.json()["created_at"],
    }
    helper.refresh_from_db()
    assert helper.hours_total == Decimal("2.5")

    # Other hours are a correction (audited); completing the event credits nothing more.
    head.post(f"/api/events/{event.pk}/volunteers/", {"volunteer": helper.pk, "hours": "3"})
    assert head.post(f"/api/events/{event.pk}/complete/", {}).status_code == 200
    helper.refresh_from_db()
    assert helper.hours_total == Decimal("3")
    record = ServiceRecord.objects.get(volunteer=helper)
    assert list(record.changes.values_list("action", flat=True)) == [
        "create",
        "confirm",
        "correct",
    ]


def test_double_confirm_is_a_no_op(head, make_event, tuanjie):
    event = make_event(start=at(2026, 11, 19, 9, 0), state="published")
    assert head.post(f"/api/events/{event.pk}/complete/", {}).status_code == 200
    helper = f.VolunteerFactory(home_village=tuanjie)
    url = f"/api/events/{event.pk}/volunteers/"

    first = head.post(url, {"volunteer": helper.pk, "hours": "2"}, format="json")
    again = head.post(url, {"volunteer": helper.pk, "hours": "2"}, format="json")

    assert first.status_code == again.status_code == 200
    assert first.json()["hours_credited"] is True and again.json()["hours"] == "2.0"
    helper.refresh_from_db()
    assert helper.hours_total == Decimal("2")
    assert EventVolunteer.objects.filter(event=event).count() == 1
    assert ServiceRecord.objects.get(volunteer=helper).changes.filter(action="confirm").count() == 1


def test_confirm_all_api(head, make_event, volunteer, outsiders):
    event = make_event(start=at(2026, 11, 20, 9, 0), state="published")
    checkin.checkin_volunteer(event=event, user=volunteer.user)
    url = f"/api/events/{event.pk}/volunteers/confirm-all/"
    for who, client in outsiders.items():
        assert client.post(url).status_code == 404, who
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 0
    assert head.get(url).status_code == 405
    assert head.post(url).json() == {"confirmed": 1, "pending": 0}
    assert head.post(url).json() == {"confirmed": 0, "pending": 0}
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.0")


# (who, event, status, code)
CONFIRM_REJECTIONS = [
    ("anonymous", "published", 401, "not_authenticated"),
    ("other_town_admin", "published", 404, "not_found"),
    ("neighbour_head", "published", 404, "not_found"),
    ("volunteer", "published", 404, "not_found"),
    ("station_head", 999999, 404, "not_found"),
]


@pytest.mark.parametrize(("who", "event", "status", "code"), CONFIRM_REJECTIONS)
def test_confirm_rejections(who, event, status, code, api_as, make_event, tuanjie):
    if event == "published":
        event = make_event(state="published").pk
    helper = f.VolunteerFactory(home_village=tuanjie)
    body = {"volunteer": helper.pk, "hours": "2"}

    response = api_as(who).post(f"/api/events/{event}/volunteers/", body, format="json")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert not EventVolunteer.objects.exists()


def test_confirm_on_a_cancelled_event_is_409(head, make_event, tuanjie):
    event = make_event(state="cancelled")
    helper = f.VolunteerFactory(home_village=tuanjie)

    response = head.post(
        f"/api/events/{event.pk}/volunteers/", {"volunteer": helper.pk, "hours": "2"}
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "只有已发布或已完成的活动才能确认服务时长。",
        "code": "conflict",
        "fields": {},
    }
    assert not EventVolunteer.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # Bad hours: tests/volunteers/test_hours.py, through every door.
        ({"volunteer": "VOLUNTEER"}, "hours"),
        ({"volunteer": 10**20, "hours": "2"}, "volunteer"),
        ({"volunteer": "abc", "hours": "2"}, "volunteer"),
        ({"hours": "2"}, "volunteer"),
    ],
)
def test_confirm_bad_input_is_400_per_field(head, make_event, tuanjie, body, field):
    event = make_event(state="published")
    helper = f.VolunteerFactory(home_village=tuanjie)
    body = {k: (helper.pk if v == "VOLUNTEER" else v) for k, v in body.items()}

    response = head.post(f"/api/events/{event.pk}/volunteers/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert not EventVolunteer.objects.exists()


def test_confirm_errors_follow_the_callers_language(head, make_event):
    event = make_event(state="published")
    url = f"/api/events/{event.pk}/volunteers/"

    chinese = head.post(url, {"volunteer": 999999, "hours": "2"}, format="json")
    english = head.post(
        url, {"volunteer": 999999, "hours": "2"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    # A well-formed id that matches no volunteer: 404, naming the field (the schema allows it).
    assert (chinese.status_code, chinese.json()["code"]) == (404, "not_found")
    assert not EventVolunteer.objects.exists()
    assert chinese.json()["fields"] == {"volunteer": ["志愿者不存在。"]}
    assert english.json()["fields"] == {"volunteer": ["The volunteer does not exist."]}


# --- photos -------------------------------------------------------------------------------------


def test_upload_photo_and_see_it_in_the_public_detail(head, api, make_event, station_head, _media):
    event = make_event(state="published")

    response = head.post(
        f"/api/events/{event.pk}/photos/",
        {"image": _upload("site.png"), "caption": "  宣讲现场  "},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    photo = EventPhoto.objects.get(event=event)
    assert body["id"] == photo.pk and body["caption"] == "宣讲现场"
    assert body["image"].startswith("http://testserver/media/events/2026/11/")
    assert photo.uploaded_by == station_head
    assert (_media / photo.image.name).read_bytes() == _png()

    detail = api.get(f"/api/events/{event.pk}/")
    assert detail.status_code == 200
    assert detail.json()["photos"] == [body]


def test_draft_photos_only_for_managers(head, api, make_event):
    event = make_event()
    url = f"/api/events/{event.pk}/photos/"
    assert head.post(url, {"image": _upload()}, format="multipart").status_code == 201
    assert api.get(f"/api/events/{event.pk}/").status_code == 404
    assert len(head.get(f"/api/events/{event.pk}/").json()["photos"]) == 1


# (who, event, request, status, code): files come as multipart only.
PHOTO_REJECTIONS = [
    ("anonymous", "published", "photo", 401, "not_authenticated"),
    ("other_town_admin", "published", "photo", 404, "not_found"),
    ("neighbour_head", "published", "photo", 404, "not_found"),
    ("volunteer", "published", "photo", 404, "not_found"),
    ("station_head", 999999, "photo", 404, "not_found"),
    ("station_head", "published", "GET", 405, "method_not_allowed"),
    ("station_head", "published", "json", 415, "unsupported_media_type"),
]


@pytest.mark.parametrize(("who", "event", "sent", "status", "code"), PHOTO_REJECTIONS)
def test_photo_rejections(who, event, sent, status, code, api_as, make_event, _media):
    if event == "published":
        event = make_event(state="published").pk
    url = f"/api/events/{event}/photos/"
    client = api_as(who)

    if sent == "photo":
        response = client.post(url, {"image": _upload()}, format="multipart")
    elif sent == "json":
        response = client.post(url, {"image": "aGVsbG8=", "caption": "x"}, format="json")
    else:
        response = client.get(url)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert not EventPhoto.objects.exists()
    assert not _media.exists() or not any(_media.rglob("*.*"))


def _padded_png(total: int) -> bytes:
    """A valid PNG with junk after its end, ``total`` bytes long (Pillow still reads it)."""
    png = _png()
    return png + b"\0" * (total - len(png))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"image": ("not-an-image.png", b"this is text, not a picture", "image/png")}, "image"),
        ({"image": ("site.exe", "PNG", "application/octet-stream")}, "image"),
        ({"image": ("site.gif", "PNG", "image/gif")}, "image"),
        ({"image": ("huge.png", "OVERSIZED", "image/png")}, "image"),
        ({"image": ("empty.png", b"", "image/png")}, "image"),
        ({"caption": "没有照片"}, "image"),
        ({"image": ("site.png", "PNG", "image/png"), "caption": "长" * 201}, "caption"),
    ],
)
def test_photo_bad_input_is_400(head, make_event, _media, data, field):
    event = make_event(state="published")
    payload = {}
    for key, value in data.items():
        if isinstance(value, tuple):
            name, content, content_type = value
            if content == "PNG":
                content = _png()
            elif content == "OVERSIZED":
                content = _padded_png(MAX_PHOTO_BYTES + 1)
            value = SimpleUploadedFile(name, content, content_type)
        payload[key] = value

    response = head.post(f"/api/events/{event.pk}/photos/", payload, format="multipart")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert not EventPhoto.objects.exists()


def test_oversized_photo_message_in_the_callers_language(head, make_event):
    event = make_event(state="published")
    url = f"/api/events/{event.pk}/photos/"
    big = _padded_png(MAX_PHOTO_BYTES + 1)

    chinese = head.post(url, {"image": _upload("a.png", big)}, format="multipart")
    english = head.post(
        url, {"image": _upload("a.png", big)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert chinese.json()["fields"] == {"image": ["照片不能超过 5 MB。"]}
    assert english.json()["fields"] == {"image": ["The photo cannot be larger than 5 MB."]}
    # Exactly at the limit is fine.
    at_limit = _upload("b.png", _padded_png(MAX_PHOTO_BYTES))
    assert head.post(url, {"image": at_limit}, format="multipart").status_code == 201


def test_event_detail_query_count_with_photos(
    api, head, make_event, station_head, django_assert_num_queries
):
    event = make_event(state="published")
    for n in range(12):
        EventPhoto.objects.create(
            event=event, image=f"events/2026/11/{n}.png", caption=f"照片{n}", uploaded_by=None
        )
    with django_assert_num_queries(2):  # the event with its relations, its photos
        response = api.get(f"/api/events/{event.pk}/")
    assert response.status_code == 200
    assert [p["caption"] for p in response.json()["photos"]] == [f"照片{n}" for n in range(12)]

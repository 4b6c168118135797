"""The bell, /inbox/, preferences and the API: each login sees only their own messages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification, NotificationPreference
from tests import factories as f


def inbox_message(user, n=1, url="/station/orders/1/"):
    for i in range(n):
        services.notify(
            cause=f"test:{user.pk}:{i}",
            kind=Kind.ORDER_OPEN,
            payload={
                "number": f"WM-202612-{i:06d}",
                "item": "宣讲",
                "village": "团结村",
                "url": url,
            },
            users=[user.pk],
        )
    return Notification.objects.filter(recipient=user).order_by("-id").first()


@pytest.fixture
def other(db):
    return f.UserFactory(username="someone-else")


def test_anonymous_pages_cost_no_inbox_query(client, db):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert not any("notifications_notification" in q["sql"] for q in ctx.captured_queries)


def test_bell_shows_the_unread_count_with_one_query(client, member):
    inbox_message(member, 3)
    client.force_login(member)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/").content.decode()
    inbox_queries = [q for q in ctx.captured_queries if "notifications_notification" in q["sql"]]
    assert len(inbox_queries) == 1
    assert 'href="/inbox/"' in page and ">3<" in page


def bell(page: str) -> str:
    """The unread count in the header, as shown ("" when none)."""
    header = page.split('class="bell"', 1)[1].split("</a>", 1)[0]
    return header.split('class="badge bad">', 1)[1].split("<", 1)[0] if "badge" in header else ""


def test_the_bell_is_kept_between_pages_and_follows_every_change(client, member, other):
    """The count is kept per process (no query on a repeat page), and a message arriving, one
    read, all read, or someone else's message, shows on the very next page."""
    inbox_message(member, 3)
    client.force_login(member)
    assert bell(client.get("/").content.decode()) == "3"
    with CaptureQueriesContext(connection) as ctx:
        assert bell(client.get("/").content.decode()) == "3"
    assert not any("notifications_notification" in q["sql"] for q in ctx.captured_queries)

    services.notify(cause="test:new", kind=Kind.ORDER_OPEN, payload={"url": "/"}, users=[member.pk])
    assert bell(client.get("/").content.decode()) == "4"
    inbox_message(other, 2)  # not the member's bell
    assert bell(client.get("/").content.decode()) == "4"
    first = Notification.objects.filter(recipient=member).order_by("id").first()
    client.post(f"/inbox/{first.pk}/open/")
    assert bell(client.get("/").content.decode()) == "3"
    client.post("/inbox/read-all/")
    assert bell(client.get("/").content.decode()) == ""


def test_inbox_lists_only_my_messages(client, member, other, django_assert_num_queries):
    inbox_message(member, 40)
    inbox_message(other, 2)
    client.force_login(member)
    # session, user, roles (nav), volunteer (nav), bell count, page count, page rows.
    with django_assert_num_queries(7):
        response = client.get("/inbox/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 30
    assert all(n.recipient_id == member.pk for n in response.context["page"].object_list)


def test_inbox_needs_login(client, db):
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_open_marks_read_and_follows_the_link(client, member):
    n = inbox_message(member)
    client.force_login(member)
    assert client.get(f"/inbox/{n.pk}/open/").status_code == 405
    response = client.post(f"/inbox/{n.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/station/orders/1/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_never_redirects_off_site(client, member):
    n = inbox_message(member, url="//evil.example/")
    client.force_login(member)
    assert client.post(f"/inbox/{n.pk}/open/")["Location"] == "/inbox/"


def test_someone_elses_message_is_404(client, member, other):
    n = inbox_message(other)
    client.force_login(member)
    assert client.post(f"/inbox/{n.pk}/open/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_read_all(client, member, other):
    inbox_message(member, 3)
    theirs = inbox_message(other)
    client.force_login(member)
    assert client.post("/inbox/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preferences_saved(client, member):
    client.force_login(member)
    assert client.get("/inbox/settings/").status_code == 200
    response = client.post(
        "/inbox/settings/", {Kind.ORDER_NEW: ["inbox", "email"], "phone": "138 1234 1234"}
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=member)
    assert pref.channels[Kind.ORDER_NEW] == ["inbox", "email"]
    assert pref.channels[Kind.ORDER_OPEN] == []  # unticked: not told
    assert pref.phone == "13812341234"


@pytest.mark.parametrize(
    "data",
    [{Kind.ORDER_NEW: ["fax"]}, {"phone": "12345"}],
)
def test_preferences_refuse_bad_input(client, member, data):
    client.force_login(member)
    response = client.post("/inbox/settings/", data)
    assert response.status_code == 400
    assert not NotificationPreference.objects.filter(user=member).exists()


# --- API -----------------------------------------------------------------------------------


def test_api_lists_my_messages(as_user, member, other, django_assert_num_queries):
    inbox_message(member, 30)
    inbox_message(other, 2)
    api = as_user(member)
    # token + user, count, page.
    with django_assert_num_queries(3):
        response = api.get("/api/notifications/")
    data = response.json()
    assert response.status_code == 200 and data["count"] == 30
    first = data["results"][0]
    assert set(first) == {
        "id",
        "kind",
        "kind_label",
        "title",
        "body",
        "url",
        "created_at",
        "read_at",
        "unread",
    }
    assert first["unread"] is True and first["url"] == "/station/orders/1/"


def test_api_in_english(as_user, member):
    inbox_message(member)
    data = as_user(member).get("/api/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["results"][0]["kind_label"] == "New order to claim"


def test_api_mark_read_and_unread_filter(as_user, member, other):
    n = inbox_message(member, 2)
    api = as_user(member)
    response = api.post(f"/api/notifications/{n.pk}/read/")
    assert response.status_code == 200 and response.json()["unread"] is False
    assert api.post(f"/api/notifications/{n.pk}/read/").status_code == 200  # again: fine
    assert api.get("/api/notifications/?unread=true").json()["count"] == 1
    theirs = inbox_message(other)
    response = api.post(f"/api/notifications/{theirs.pk}/read/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api.get(f"/api/notifications/{n.pk}/read/").status_code == 405
    assert api.post("/api/notifications/read-all/").json() == {"marked": 1}


def test_api_needs_login(api, db):
    assert api.get("/api/notifications/").status_code == 401
    assert api.post("/api/notifications/read-all/").status_code == 401

"""The site's header is kept per process (portal.templatetags.frame): each value it shows is
part of its key, so changing any one of them changes the next page, and every page carries its
own request's CSRF token, never one kept from another request."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from notifications.kinds import Kind
from notifications.services import notify
from stations.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def header(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def page(client, path="/", **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200
    return header(response)


def test_each_login_sees_their_own_name_and_menu(client, station_head, city_admin):
    client.force_login(station_head)
    head = page(client)
    client.force_login(city_admin)
    city = page(client)
    assert "head-tuanjie" in head and "admin-city" not in head
    assert "admin-city" in city and "head-tuanjie" not in city
    assert reverse("portal:today") in head and reverse("portal:today") not in city


def test_a_new_name_shows_on_the_next_page(client, station_head):
    client.force_login(station_head)
    assert "head-tuanjie" in page(client)
    station_head.first_name, station_head.last_name = "明", "李"
    station_head.save()
    assert "李明" in page(client) or "明 李" in page(client)


def test_the_language_and_the_path_are_the_pages_own(client, station_head):
    client.force_login(station_head)
    chinese = page(client, "/?a=1")
    english = page(client, "/?a=1", HTTP_ACCEPT_LANGUAGE="en")
    assert "退出" in chinese and "Log out" in english
    assert 'value="/?a=1"' in chinese
    assert 'value="/?a=2"' in page(client, "/?a=2")


def test_the_bell_follows_the_inbox(client, station_head):
    client.force_login(station_head)
    assert "条未读" not in page(client)
    notify(cause="t:1", kind=Kind.ORDER_NEW, payload={}, users=[station_head.pk])
    assert re.search(r'class="badge bad">1<', page(client))


def test_a_role_granted_shows_in_the_menu_at_once(client, city):
    user = f.UserFactory(username="newcomer")
    client.force_login(user)
    assert reverse("reports:coverage") not in page(client)
    Role.objects.create(user=user, kind=Role.Kind.CITY_ADMIN, city=city)
    assert reverse("reports:coverage") in page(client)


def test_every_page_carries_its_own_requests_csrf_token(station_head):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(station_head)
    second.force_login(station_head)
    tokens = []
    for client in (first, second):
        html = page(client)
        found = set(TOKEN.findall(html))
        assert found and "csrf-token-of-this-request" not in html
        tokens.append(found)
        # The token works: logging out with it is accepted (a kept token would be refused).
        response = client.post(reverse("logout"), {"csrfmiddlewaretoken": found.pop()})
        assert response.status_code == 302
    assert not tokens[0] & tokens[1]


def test_an_anonymous_header_offers_the_login_for_this_page(client):
    path = reverse("events:calendar")
    assert f'{reverse("login")}?next={path}"' in page(client, path)
    assert f'{reverse("login")}?next=/"' in page(client, "/")


def test_a_path_naming_the_placeholder_does_not_get_the_token(client, station_head):
    """The token goes where the header's placeholder was, and nowhere a URL can put text: a
    link whose query names the placeholder must not copy the reader's CSRF token into the
    language form's ``next`` (and from there into the address bar and the logs)."""
    client.force_login(station_head)
    # The placeholder this header used to have: a fixed text anyone could read in the source.
    response = client.get("/", {"q": "csrf-token-of-this-request"})
    html = response.content.decode()
    token = TOKEN.search(html).group(1)
    nxt = re.search(r'name="next" type="hidden" value="([^"]*)"', html).group(1)
    assert token not in nxt

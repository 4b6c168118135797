"""Public pages from stored bytes for visitors without a login (core.pages, issue 19): the same
HTML as a fresh render, with a CSRF token of each request's own, no query on a repeat of the
order form, one on a repeat of the calendar; a login, a message or a changed menu gets a page
rendered for it."""

import re

import pytest
from django.test import Client

from orders.models import MenuItem
from tests import factories as f

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _tokens(response) -> list[bytes]:
    return TOKEN.findall(response.content)


def _without_tokens(response) -> bytes:
    return TOKEN.sub(b"", response.content)


def test_order_form_repeat_reads_nothing_and_each_visitor_has_a_token(
    tuanjie, menu_item, django_assert_num_queries
):
    url = f"/orders/new/?village={tuanjie.pk}"
    first = Client().get(url)
    assert first.status_code == 200 and first.context is not None
    visitor = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        again = visitor.get(url)
    assert again.status_code == 200 and again.context is None
    assert _without_tokens(again) == _without_tokens(first)
    assert menu_item.title in again.content.decode()
    tokens = _tokens(again)
    assert tokens and not set(tokens) & set(_tokens(first))
    assert again.cookies["csrftoken"].value
    assert again["Cache-Control"].startswith("max-age=0")  # never_cache, as before

    # The token in the stored page is this visitor's: the form posts.
    response = visitor.post(
        "/orders/new/",
        {
            "csrfmiddlewaretoken": tokens[0].decode(),
            "village": tuanjie.pk,
            "menu_item": menu_item.pk,
            "people": 1,
            "name": "李",
            "phone": "13812341234",
        },
    )
    assert response.status_code == 302


def test_a_menu_change_shows_at_once(client, tuanjie, menu_item):
    url = f"/orders/new/?village={tuanjie.pk}"
    client.get(url)
    client.get(url)
    MenuItem.objects.filter(pk=menu_item.pk).update(title="改名")  # no signal: not seen …
    menu_item.title = "新的名字"
    menu_item.save()  # … until a save bumps the menu's generation
    assert "新的名字" in client.get(url).content.decode()


def test_language_is_part_of_the_key(client, tuanjie, menu_item):
    url = f"/orders/new/?village={tuanjie.pk}"
    chinese = client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans">' in chinese and '<html lang="en">' in english


def test_a_login_gets_its_own_page(client, tuanjie, menu_item, volunteer_user):
    url = f"/orders/new/?village={tuanjie.pk}"
    Client().get(url)
    client.force_login(volunteer_user)
    response = client.get(url)
    assert response.context is not None and response.context["user"] == volunteer_user


def test_a_message_cookie_gets_a_rendered_page(client, tuanjie, menu_item):
    """Messages to show travel in a cookie (or the session) to the next page."""
    url = f"/orders/new/?village={tuanjie.pk}"
    Client().get(url)
    Client().get(url)
    client.cookies["messages"] = "anything"
    assert client.get(url).context is not None


def test_calendar_month_repeat_reads_nothing(
    client, tuanjie, lecture_category, django_assert_num_queries
):
    f.VillageFactory(town=tuanjie.town)
    url = f"/calendar/2026-12/?village={tuanjie.pk}"
    response = client.get(url)
    assert response.status_code == 200 and response.context is not None
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.context is None and _without_tokens(again) == _without_tokens(response)
    # A bad filter is answered, never stored.
    assert client.get("/calendar/2026-12/?village=999999").status_code == 400
    assert client.get("/calendar/2026-12/?village=999999").status_code == 400

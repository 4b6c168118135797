"""Every ``aria-describedby``, ``aria-labelledby``, ``aria-controls``, ``<label for>`` and
``<a href="#…">`` on the main pages points at an element that exists on the same page (a
dangling reference is silently ignored by screen readers: the hint or the label is lost). And a
form sent back with errors opens with an error summary linking to each field."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine

from events import services as event_services
from events.calendar import calendar_compile
from orders.models import Order
from tests.events.conftest import at
from tests.orders.factories import order_in_state, submit_order

REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "for")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self.refs.append((tag, "href", href[1:]))  # the error summary's links to fields
        for name in REFERENCES:
            if name == "for" and tag not in ("label", "output"):
                continue
            for ref in (attrs.get(name) or "").split():
                self.refs.append((tag, name, ref))

    handle_startendtag = handle_starttag


def dangling(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return [f"<{tag} {name}={ref!r}>" for tag, name, ref in parser.refs if ref not in parser.ids]


class Pages:
    """Visits pages and collects every dangling reference, so one run lists them all."""

    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []

    def check(self, url, method="get", data=None, expect=200) -> None:
        response = getattr(self.client, method)(url, data or {})
        assert response.status_code == expect, f"{method.upper()} {url}: {response.status_code}"
        if found := dangling(response.content.decode()):
            self.problems.append(f"{method.upper()} {url}: {', '.join(found)}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def world(tuanjie_station, menu_item, volunteer, station_head, city_admin):
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        order_in_state(Order.Status.OPEN, village=tuanjie_station.village, menu_item=menu_item)
        order = submit_order(tuanjie_station.village, menu_item)
        event = event_services.event_create(
            user=station_head,
            title="民法典宣讲",
            category=menu_item.category,
            start=at(2026, 12, 10, 9),
            end=at(2026, 12, 10, 11),
            organiser_position=tuanjie_station,
        )
        event_services.event_publish(user=station_head, event=event)
        calendar_compile(month=dt.date(2026, 12, 1))
    return {"order": order, "event": event}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_pages(client, world, tuanjie, menu_item, language):
    client.cookies["django_language"] = language
    order = world["order"]
    pages = Pages(client)
    for url in [
        "/",
        "/orders/new/",
        f"/orders/new/?village={tuanjie.pk}",
        f"/orders/t/{order.tracking_token}/",
        "/calendar/2026-12/",
        "/calendar/2026-12/print/",
        f"/events/{world['event'].pk}/",
        "/wishes/",
        "/wishes/new/",
        f"/wishes/new/?village={tuanjie.pk}",
        "/reminders/",
        "/join/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/password/sms/",
        "/orders/mine/",
    ]:
        pages.check(url)
    # Forms sent back with errors: the hints and the error messages are where they point.
    pages.check("/orders/new/", "post", {"village": tuanjie.pk}, expect=200)
    pages.check("/join/", "post", {"name": ""}, expect=200)
    pages.check("/wishes/new/", "post", {"village": tuanjie.pk}, expect=200)
    pages.check("/accounts/login/", "post", {"username": "x", "password": "y"})


def test_signed_in_pages(client, world, volunteer, station_head, city_admin, tuanjie):
    pages = Pages(client)
    client.force_login(volunteer.user)
    for url in ["/volunteer/", "/volunteer/?tab=mine", "/volunteer/?tab=done", "/inbox/settings/"]:
        pages.check(url)
    client.force_login(station_head)
    for url in [
        "/station/today/",
        "/station/orders/",
        f"/station/orders/{world['order'].pk}/",
        "/events/new/",
        f"/events/{world['event'].pk}/edit/",
        "/plans/2026-12/",
        f"/orders/proxy/?village={tuanjie.pk}",
    ]:
        pages.check(url)
    pages.check("/events/new/", "post", {"title": ""})
    pages.check("/orders/proxy/", "post", {"village": tuanjie.pk}, expect=400)
    client.force_login(city_admin)
    for url in [
        "/reports/",
        f"/reports/?town={tuanjie.town_id}",
        f"/reports/?village={tuanjie.pk}",
        "/reports/five-standards/",
        "/reports/orders/",
        "/reports/volunteers/",
        "/events/new/",
        "/privacy/resident/",
    ]:
        pages.check(url)
    pages.assert_clean()


def test_error_summary_links_to_each_field(client, tuanjie, menu_item, tuanjie_station):
    response = client.post("/orders/new/", {"village": tuanjie.pk, "phone": "123"})
    body = response.content.decode()
    summary = body[
        body.index('class="error-summary"') : body.index("</div>", body.index("error-summary"))
    ]
    assert "data-error-summary" in body and 'tabindex="-1"' in summary
    assert 'href="#id_phone"' in summary and 'href="#id_name"' in summary
    assert body.index("error-summary") < body.index('name="phone"')  # above the fields
    # Each field in error says so and is described by its message.
    assert 'aria-invalid="true"' in body and 'id="id_phone_error"' in body
    assert (
        "id_phone_error"
        in body[body.index('name="phone"') - 300 : body.index('name="phone"') + 300]
    )
    assert "error-summary" not in client.get(f"/orders/new/?village={tuanjie.pk}").content.decode()


def test_star_ratings_read_as_numbers(client, tuanjie, menu_item, tuanjie_station, volunteer):
    order = order_in_state(
        Order.Status.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
    )
    body = client.get(f"/orders/t/{order.tracking_token}/").content.decode()
    assert '<span aria-hidden="true">★★★★</span><span class="sr-only">4 星</span>' in body
    client.cookies["django_language"] = "en"
    body = client.get(f"/orders/t/{order.tracking_token}/").content.decode()
    assert '<span class="sr-only">4 stars</span>' in body
    assert '<span class="sr-only">1 star</span>' in body

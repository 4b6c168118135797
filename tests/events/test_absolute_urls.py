"""One source for absolute URLs: WENMING_SITE_URL, else the request's host; outside a request
production needs the setting."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.apps import check_site_url
from config.celery import _worker_needs_site_url
from core.absolute_urls import absolute_url
from notifications.kinds import link


def test_the_page_and_its_subscribe_link_agree(client, make_event, settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["wenming.example.cn"]
    event = make_event(state="published")
    page = client.get(f"/events/{event.pk}/", HTTP_HOST="wenming.example.cn")
    assert f"http://wenming.example.cn/events/{event.pk}/checkin/" in page.content.decode()
    calendar = client.get("/calendar/", HTTP_HOST="wenming.example.cn", follow=True)
    assert "http://wenming.example.cn/calendar/feed.ics" in calendar.content.decode()


def test_the_setting_wins_everywhere(client, make_event, settings):
    settings.SITE_URL = "https://wenming.example.cn"
    event = make_event(state="published")
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert f"https://wenming.example.cn/events/{event.pk}/checkin/" in page
    calendar = client.get("/calendar/", follow=True).content.decode()
    assert "https://wenming.example.cn/calendar/feed.ics" in calendar
    assert link("/orders/t/x/") == "https://wenming.example.cn/orders/t/x/"


def test_outside_a_request_production_needs_the_setting(settings):
    settings.SITE_URL = ""
    assert absolute_url("/s/") == "http://127.0.0.1:8000/s/"  # debug: the dev server
    settings.SITE_URL_FALLBACK = ""  # production
    with pytest.raises(ImproperlyConfigured, match="WENMING_SITE_URL"):
        absolute_url("/s/")
    with pytest.raises(ImproperlyConfigured, match="WENMING_SITE_URL"):
        _worker_needs_site_url()
    assert [w.id for w in check_site_url()] == ["wenming.W001"]
    settings.SITE_URL = "https://wenming.example.cn"
    _worker_needs_site_url()
    assert check_site_url() == []
    assert absolute_url("/s/") == "https://wenming.example.cn/s/"

"""The poster page prints on exactly one A4 page (Chromium's own print to PDF), and reads at
360 px on a phone."""

import io

import pytest
from pypdf import PdfReader

from stations.models import Role
from tests import factories as f
from tests.browser import fits_width, marks

pytestmark = marks


@pytest.mark.django_db(transaction=True)
def test_poster_prints_on_one_a4_page(live_server, page, tuanjie_station, menu_item):
    head = f.UserFactory(username="head-poster")
    Role.objects.create(
        user=head, kind=Role.Kind.STATION_HEAD, city=tuanjie_station.city, position=tuanjie_station
    )
    tuanjie_station.opening_hours = "周一至周日 8:00-18:00"
    tuanjie_station.head_name = "王书记"
    tuanjie_station.head_phone = "13700001234"
    tuanjie_station.address = "洪绪镇团结村村委会大院"
    tuanjie_station.save()
    page.goto(f"{live_server.url}/accounts/login/?next=/stations/{tuanjie_station.pk}/poster/")
    page.fill("#id_username", "head-poster")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/stations/{tuanjie_station.pk}/poster/")
    assert page.locator("h1", has_text=tuanjie_station.name).is_visible()
    assert fits_width(page)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1

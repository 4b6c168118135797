"""Station posters: who may open them, what they show, and one A4 page per station."""

import io
import re

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from tests import factories as f

pytestmark = pytest.mark.long


@pytest.fixture
def menu(menu_item, theory_platform, tuanjie, hongxu):
    """A city-wide lecture, a town-only legal service and one village's own fitness class."""
    law = f.ServiceCategoryFactory(name="法治", code="law")
    fitness = f.ServiceCategoryFactory(name="健体", code="fitness")
    town_item = f.MenuItemFactory(
        title="法律咨询", platform=theory_platform, category=law, reach="towns"
    )
    town_item.towns.add(hongxu)
    village_item = f.MenuItemFactory(
        title="广场舞教学", platform=theory_platform, category=fitness, reach="villages"
    )
    village_item.villages.add(tuanjie)
    return {"law": law, "fitness": fitness}


def pdf_pages(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def test_station_head_sees_the_poster_with_name_hours_head_menu_and_qr_codes(
    client, station_head, tuanjie_station, menu
):
    tuanjie_station.opening_hours = "周一至周五 8:30-17:30"
    tuanjie_station.head_name = "王书记"
    tuanjie_station.head_phone = "13700001234"
    tuanjie_station.save()
    client.force_login(station_head)
    response = client.get(reverse("posters:station", args=[tuanjie_station.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (tuanjie_station.name, "周一至周五 8:30-17:30", "王书记", "13700001234"):
        assert text in html
    assert "文明宣讲" in html and "法治" in html and "健体" in html
    assert html.count("<svg") >= 2  # the order form's and the calendar's QR codes
    assert "data-print" in html


def test_another_villages_menu_is_not_on_the_poster(client, town_admin, menu, hongxu, tuanjie):
    other = f.StationFactory(village=f.VillageFactory(town=hongxu, name="前进村"))
    client.force_login(town_admin)
    html = client.get(reverse("posters:station", args=[other.pk])).content.decode()
    assert "法治" in html  # the town's
    assert "健体" not in html  # 团结村's own


def test_poster_qr_codes_lead_to_the_order_form_with_the_village_and_its_calendar(
    tuanjie_station, menu
):
    from posters.selectors import posters_for

    (poster,) = posters_for([tuanjie_station], site="https://wenming.example.cn")
    assert poster.order_url.startswith("https://wenming.example.cn/")
    assert poster.order_url.endswith(f"/orders/new/?village={tuanjie_station.village_id}")
    assert poster.calendar_url.endswith(f"/calendar/feed.ics?village={tuanjie_station.village_id}")


def test_poster_pdf_is_one_a4_page(client, station_head, tuanjie_station, menu):
    client.force_login(station_head)
    response = client.get(reverse("posters:station_pdf", args=[tuanjie_station.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points


def test_a_long_menu_still_fits_on_one_page(client, station_head, tuanjie_station, theory_platform):
    for n in range(40):
        category = f.ServiceCategoryFactory(name=f"很长很长的服务类别名称第{n}号", code=f"c{n}")
        f.MenuItemFactory(title=f"服务{n}", platform=theory_platform, category=category)
    client.force_login(station_head)
    response = client.get(reverse("posters:station_pdf", args=[tuanjie_station.pk]))
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_town_admin_downloads_one_page_per_station(
    client, town_admin, tuanjie_station, hongxu, longquan, menu, django_assert_max_num_queries
):
    for n in range(5):
        f.StationFactory(village=f.VillageFactory(town=hongxu, name=f"新村{n}"))
    f.StationFactory(village=f.VillageFactory(town=longquan, name="外镇村"))  # not this town
    client.force_login(town_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("posters:town_pdf", args=[hongxu.pk]))
    assert response.status_code == 200
    pages = pdf_pages(response)
    assert len(pages) == 6
    assert tuanjie_station.name in pages[0] + "".join(pages)  # each page names its station
    assert "外镇村" not in "".join(pages)


@pytest.mark.parametrize("count", [3, 12])
def test_town_pdf_queries_do_not_grow_with_stations(
    client, town_admin, hongxu, menu, count, django_assert_max_num_queries
):
    for n in range(count):
        f.StationFactory(village=f.VillageFactory(town=hongxu, name=f"村{n}"))
    client.force_login(town_admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("posters:town_pdf", args=[hongxu.pk]))


def test_outside_ones_area_is_404(client, other_town_admin, town_admin, tuanjie_station, hongxu):
    client.force_login(other_town_admin)
    assert client.get(reverse("posters:station", args=[tuanjie_station.pk])).status_code == 404
    assert client.get(reverse("posters:station_pdf", args=[tuanjie_station.pk])).status_code == 404
    assert client.get(reverse("posters:town_pdf", args=[hongxu.pk])).status_code == 404


def test_station_head_cannot_download_the_whole_town(client, station_head, hongxu):
    client.force_login(station_head)
    assert client.get(reverse("posters:town_pdf", args=[hongxu.pk])).status_code == 404


def test_a_volunteer_or_visitor_cannot_open_posters(client, volunteer_user, tuanjie_station):
    url = reverse("posters:station", args=[tuanjie_station.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(volunteer_user)
    assert client.get(url).status_code == 404


def test_city_admin_may_download_any_town(client, city_admin, tuanjie_station, hongxu):
    client.force_login(city_admin)
    response = client.get(reverse("posters:town_pdf", args=[hongxu.pk]))
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_a_post_is_405(client, station_head, tuanjie_station):
    client.force_login(station_head)
    assert client.post(reverse("posters:station", args=[tuanjie_station.pk])).status_code == 405


def test_unknown_station_or_a_sub_centre_is_404(client, city_admin, city, hongxu):
    client.force_login(city_admin)
    assert client.get(reverse("posters:station", args=[999999])).status_code == 404
    sub = f.SubcentreFactory(city=city, town=hongxu)
    assert client.get(reverse("posters:station", args=[sub.pk])).status_code == 404


def test_the_poster_names_the_station_in_english(client, station_head, tuanjie_station):
    client.force_login(station_head)
    html = client.get(
        reverse("posters:station", args=[tuanjie_station.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert tuanjie_station.name in html


def test_poster_index_lists_what_the_login_prints(
    client, town_admin, station_head, tuanjie_station, hongxu
):
    client.force_login(station_head)
    html = client.get(reverse("posters:index")).content.decode()
    assert reverse("posters:station", args=[tuanjie_station.pk]) in html
    assert reverse("posters:town_pdf", args=[hongxu.pk]) not in html
    client.force_login(town_admin)
    html = client.get(reverse("posters:index")).content.decode()
    assert reverse("posters:town_pdf", args=[hongxu.pk]) in html
    assert reverse("posters:station", args=[tuanjie_station.pk]) in html


def test_poster_index_for_city_admin_lists_towns_then_a_towns_stations(
    client, city_admin, tuanjie_station, hongxu, longquan
):
    client.force_login(city_admin)
    html = client.get(reverse("posters:index")).content.decode()
    assert reverse("posters:town_pdf", args=[longquan.pk]) in html
    assert reverse("posters:station", args=[tuanjie_station.pk]) not in html
    html = client.get(reverse("posters:index"), {"town": hongxu.pk}).content.decode()
    assert reverse("posters:station", args=[tuanjie_station.pk]) in html


def test_poster_index_refuses_visitors_volunteers_and_other_towns(
    client, volunteer_user, station_head, longquan
):
    client.force_login(volunteer_user)
    assert client.get(reverse("posters:index")).status_code == 404
    client.force_login(station_head)
    assert client.get(reverse("posters:index"), {"town": longquan.pk}).status_code == 404


def test_station_orders_page_links_to_the_posters(client, station_head):
    client.force_login(station_head)
    html = client.get(reverse("orders:station_orders")).content.decode()
    assert reverse("posters:index") in html


@pytest.mark.parametrize(
    ("site_url", "base"),
    [("", "http://localhost"), ("https://wenming.example.cn", "https://wenming.example.cn")],
)
def test_the_posters_qr_codes_follow_the_site_url(
    client, station_head, tuanjie_station, menu, settings, site_url, base
):
    """WENMING_SITE_URL when set, else the address the poster was opened at (never a bare
    path, which a phone cannot open), like every other absolute link."""
    settings.SITE_URL = site_url
    client.force_login(station_head)
    response = client.get(
        reverse("posters:station", args=[tuanjie_station.pk]), HTTP_HOST="localhost"
    )
    poster = response.context["poster"]
    village = tuanjie_station.village_id
    assert poster.order_url == f"{base}/orders/new/?village={village}"
    assert poster.calendar_url == f"{base}/calendar/feed.ics?village={village}"
    html = response.content.decode()
    for url in (poster.order_url, poster.calendar_url):
        path = segno.make(url, error="m").svg_inline(scale=5, omitsize=True)
        assert re.search(r' d="([^"]+)"', path).group(1) in html

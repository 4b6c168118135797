"""The station kiosk through its URLs: the link, the screen, ordering (channel kiosk), the
per-kiosk rate limit, and every refusal (no link, another station's, revoked)."""

import re

import pytest
import segno
from django.urls import reverse

from core.errors import InvalidInput, InvalidTransition, NotInScope
from kiosk import links, services
from kiosk.models import KioskLink
from orders.models import Order
from tests import factories as f


def order(client, station, menu_item, phone="13812341234"):
    return client.post(
        reverse("kiosk:order", args=[station.pk]), {"menu_item": menu_item.pk, "phone": phone}
    )


def test_the_link_sets_a_cookie_and_cleans_the_address(client, kiosk_link, tuanjie_station):
    response = client.get(
        reverse("kiosk:screen", args=[tuanjie_station.pk]), {"key": links.sign(kiosk_link)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("kiosk:screen", args=[tuanjie_station.pk])
    cookie = response.cookies[links.COOKIE]
    assert cookie["httponly"] and cookie["path"] == f"/kiosk/{tuanjie_station.pk}/"


def test_the_kiosk_shows_tiles_and_this_months_events_without_site_links(
    kiosk_client, tuanjie_station, menu_item
):
    from django.utils import timezone

    from events.models import Event
    from tests.events.factories import EventFactory

    now = timezone.localtime()
    EventFactory(
        title="民法典宣讲",
        organiser_position=tuanjie_station,
        venue_position=tuanjie_station,
        village=tuanjie_station.village,
        town=tuanjie_station.town,
        category=menu_item.category,
        state=Event.State.PUBLISHED,
        start=now,
        end=now,
    )
    response = kiosk_client.get(reverse("kiosk:screen", args=[tuanjie_station.pk]))
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    html = response.content.decode()
    assert "文明宣讲" in html and "党的理论政策宣讲" in html and "民法典宣讲" in html
    assert 'data-idle-seconds="60"' in html
    # Nothing that leads away from the kiosk: no header navigation, no links at all.
    assert "<a " not in html and "site-header" not in html


def test_an_order_at_the_kiosk_is_recorded_as_channel_kiosk(
    kiosk_client, tuanjie_station, menu_item, kiosk_link
):
    response = order(kiosk_client, tuanjie_station, menu_item, phone="138 1234 5678")
    assert response.status_code == 201
    data = response.json()
    placed = Order.objects.get()
    assert data["number"] == placed.number and "<svg" in data["qr"]
    assert data["phone"] == "138****5678"
    assert placed.channel == "kiosk"
    assert placed.village == tuanjie_station.village and placed.phone == "13812345678"
    kiosk_link.refresh_from_db()
    assert kiosk_link.last_used_at is not None


def test_bad_phone_or_item_is_a_clear_message_and_no_order(
    kiosk_client, tuanjie_station, menu_item, other_village
):
    response = order(kiosk_client, tuanjie_station, menu_item, phone="12345")
    assert response.status_code == 400 and "手机号" in response.json()["message"]
    response = kiosk_client.post(
        reverse("kiosk:order", args=[tuanjie_station.pk]),
        {"menu_item": "x", "phone": "13812341234"},
    )
    assert response.status_code == 400 and "服务" in response.json()["message"]
    # A service not on this village's menu.
    elsewhere = f.MenuItemFactory(
        title="外村服务", platform=menu_item.platform, category=menu_item.category, reach="villages"
    )
    elsewhere.villages.add(other_village)
    assert order(kiosk_client, tuanjie_station, elsewhere).status_code == 400
    assert not Order.objects.exists()


def test_without_a_link_the_screen_explains_and_takes_no_order(client, tuanjie_station, menu_item):
    response = client.get(reverse("kiosk:screen", args=[tuanjie_station.pk]))
    assert response.status_code == 403
    assert "还没有设置为本站的触屏一体机" in response.content.decode()
    assert order(client, tuanjie_station, menu_item).status_code == 403
    assert not Order.objects.exists()


def test_another_stations_link_is_refused(
    client, station_head, tuanjie_station, hongxu, menu_item, city_admin
):
    other = f.StationFactory(village=f.VillageFactory(town=hongxu, name="前进村"))
    other_link = services.kiosk_link_create(
        user=city_admin, station_id=other.pk, label="前进村一体机"
    )
    response = client.get(
        reverse("kiosk:screen", args=[tuanjie_station.pk]), {"key": links.sign(other_link)}
    )
    assert response.status_code == 403
    assert "属于另一个实践站" in response.content.decode()
    # Even with the cookie copied onto this station's path.
    client.cookies[links.COOKIE] = links.sign(other_link)
    client.cookies[links.COOKIE]["path"] = f"/kiosk/{tuanjie_station.pk}/"
    assert order(client, tuanjie_station, menu_item).status_code == 403
    assert not Order.objects.exists()


def test_a_revoked_link_stops_at_the_next_touch(
    kiosk_client, kiosk_link, station_head, tuanjie_station, menu_item
):
    services.kiosk_link_revoke(user=station_head, link_id=kiosk_link.pk)
    response = kiosk_client.get(reverse("kiosk:screen", args=[tuanjie_station.pk]))
    assert response.status_code == 403 and "已被站长停用" in response.content.decode()
    response = order(kiosk_client, tuanjie_station, menu_item)
    assert response.status_code == 403 and "已被站长停用" in response.json()["message"]
    assert not Order.objects.exists()


def test_a_forged_or_tampered_key_is_refused(client, kiosk_link, tuanjie_station):
    value = links.sign(kiosk_link)
    for key in ("nonsense", value[:-2] + "xx"):
        response = client.get(reverse("kiosk:screen", args=[tuanjie_station.pk]), {"key": key})
        assert response.status_code == 403 and "无效" in response.content.decode()


def test_the_per_kiosk_rate_limit(
    kiosk_client, tuanjie_station, theory_platform, lecture_category, settings
):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"kiosk_order": "2/hour"}
    }
    items = [
        f.MenuItemFactory(title=f"服务{n}", platform=theory_platform, category=lecture_category)
        for n in range(3)
    ]
    assert order(kiosk_client, tuanjie_station, items[0], "13800000001").status_code == 201
    assert order(kiosk_client, tuanjie_station, items[1], "13800000002").status_code == 201
    response = order(kiosk_client, tuanjie_station, items[2], "13800000003")
    assert response.status_code == 429 and response["Retry-After"]
    assert Order.objects.count() == 2


def test_a_duplicate_is_a_message(kiosk_client, tuanjie_station, menu_item):
    assert order(kiosk_client, tuanjie_station, menu_item).status_code == 201
    response = order(kiosk_client, tuanjie_station, menu_item)
    assert response.status_code == 409 and "请勿重复提交" in response.json()["message"]


def test_the_order_endpoint_is_post_only(kiosk_client, tuanjie_station):
    assert kiosk_client.get(reverse("kiosk:order", args=[tuanjie_station.pk])).status_code == 405


def test_unknown_station_is_404(client, db):
    assert client.get(reverse("kiosk:screen", args=[999999])).status_code == 404


# --- the head's page ----------------------------------------------------------------------


def test_head_creates_and_revokes_links_from_their_page(client, station_head, tuanjie_station):
    client.force_login(station_head)
    client.post(
        reverse("kiosk:link_create"), {"station": tuanjie_station.pk, "label": "大厅一体机"}
    )
    link = KioskLink.objects.get()
    html = client.get(reverse("kiosk:links")).content.decode()
    assert "大厅一体机" in html and links.sign(link) in html
    client.post(reverse("kiosk:link_revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == station_head
    assert links.sign(link) not in client.get(reverse("kiosk:links")).content.decode()


def test_links_of_another_area_are_404(client, other_town_admin, kiosk_link, tuanjie_station):
    client.force_login(other_town_admin)
    assert client.post(reverse("kiosk:link_revoke", args=[kiosk_link.pk])).status_code == 404
    response = client.post(
        reverse("kiosk:link_create"), {"station": tuanjie_station.pk, "label": "x"}
    )
    assert response.status_code == 404
    assert KioskLink.objects.count() == 1
    kiosk_link.refresh_from_db()
    assert kiosk_link.is_active


def test_volunteers_have_no_kiosk_page(client, volunteer):
    client.force_login(volunteer.user)
    assert client.get(reverse("kiosk:links")).status_code == 404


def test_link_name_rules_and_revoking_twice(station_head, tuanjie_station, kiosk_link):
    with pytest.raises(InvalidInput):
        services.kiosk_link_create(user=station_head, station_id=tuanjie_station.pk, label=" ")
    with pytest.raises(InvalidInput):
        services.kiosk_link_create(
            user=station_head, station_id=tuanjie_station.pk, label="长" * 51
        )
    services.kiosk_link_revoke(user=station_head, link_id=kiosk_link.pk)
    with pytest.raises(InvalidTransition):
        services.kiosk_link_revoke(user=station_head, link_id=kiosk_link.pk)
    with pytest.raises(NotInScope):
        services.kiosk_link_revoke(user=station_head, link_id=999999)


def test_links_page_query_count_is_constant(
    client, town_admin, hongxu, city_admin, django_assert_max_num_queries
):
    for n in range(8):
        station = f.StationFactory(village=f.VillageFactory(town=hongxu, name=f"村{n}"))
        services.kiosk_link_create(user=city_admin, station_id=station.pk, label=f"一体机{n}")
    client.force_login(town_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("kiosk:links"))
    assert response.content.decode().count("data-link-id") == 8


def test_station_page_links_to_the_kiosk_and_wish_review(client, station_head):
    client.force_login(station_head)
    html = client.get(reverse("orders:station_orders")).content.decode()
    assert reverse("kiosk:links") in html and reverse("wishes:moderation") in html


# --- absolute links (core.absolute_urls) ------------------------------------------------------


def qr_path(svg: str) -> str:
    """The QR code's modules (an SVG path): equal paths, equal encoded text."""
    return re.search(r' d="([^"]+)"', svg).group(1)


@pytest.mark.parametrize(
    ("site_url", "base"),
    [("", "http://testserver"), ("https://wenming.example.cn", "https://wenming.example.cn")],
)
def test_the_slips_qr_code_is_an_absolute_link_to_the_tracking_page(
    kiosk_client, tuanjie_station, menu_item, settings, site_url, base
):
    """WENMING_SITE_URL when set, else the address the kiosk itself was opened at: a phone
    scanning the code needs a whole URL (a bare path opens nothing)."""
    settings.SITE_URL = site_url
    data = order(kiosk_client, tuanjie_station, menu_item).json()
    placed = Order.objects.get()
    expected = f"{base}{reverse('orders:track', args=[placed.tracking_token])}"
    assert qr_path(data["qr"]) == qr_path(segno.make(expected, error="m").svg_inline(scale=5))


def test_the_heads_kiosk_link_follows_the_site_url(
    client, station_head, kiosk_link, tuanjie_station, settings
):
    client.force_login(station_head)
    settings.SITE_URL = ""
    html = client.get(reverse("kiosk:links"), HTTP_HOST="localhost").content.decode()
    assert f"http://localhost/kiosk/{tuanjie_station.pk}/?key=" in html
    settings.SITE_URL = "https://wenming.example.cn"
    html = client.get(reverse("kiosk:links")).content.decode()
    assert f"https://wenming.example.cn/kiosk/{tuanjie_station.pk}/?key=" in html

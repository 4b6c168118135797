"""The kiosk on a portrait touch screen (1080×1920), driven by touch alone: a category tile,
a service, the phone on the keypad, confirm (three taps plus the phone); the result shows the
number and a QR code; after the idle time the kiosk is back at its start screen with nothing of
the resident left. Playwright's clock stands in for the 60 seconds."""

import pytest
from django.db import connections

from kiosk import links, services
from orders.models import Order
from tests.browser import CHROMIUM, marks, watch_console

pytestmark = marks


@pytest.fixture
def touch_screen(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport={"width": 1080, "height": 1920}, has_touch=True, locale="zh-CN"
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        problems = watch_console(page)
        page.console_problems = problems  # a test may drop a problem it expects
        yield page
        connections.close_all()
        context.close()
        browser.close()
    assert not problems, "console errors / CSP violations:\n" + "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_order_by_touch_alone_then_the_kiosk_resets(
    live_server, touch_screen, station_head, tuanjie_station, menu_item
):
    page = touch_screen
    link = services.kiosk_link_create(
        user=station_head, station_id=tuanjie_station.pk, label="大厅一体机"
    )
    page.clock.install()
    page.goto(f"{live_server.url}/kiosk/{tuanjie_station.pk}/?key={links.sign(link)}")
    assert page.url == f"{live_server.url}/kiosk/{tuanjie_station.pk}/"  # the key left the address
    assert page.locator("a").count() == 0  # nothing leads away from the kiosk

    page.locator("[data-k-category]", has_text="文明宣讲").tap()  # 1
    page.locator("[data-k-item]", has_text="党的理论政策宣讲").tap()  # 2
    for digit in "13812341234":
        page.locator(f'[data-k-digit="{digit}"]').tap()
    assert page.locator("[data-k-phone]").inner_text() == "138 1234 1234"
    page.locator("[data-k-submit]").tap()  # 3
    done = page.locator('[data-step="done"]')
    done.wait_for(state="visible")

    placed = Order.objects.get()
    assert placed.channel == "kiosk" and placed.phone == "13812341234"
    assert page.locator('[data-k-out="number"]').inner_text() == placed.number
    assert page.locator("[data-k-qr] svg").is_visible()
    assert "138****1234" in done.inner_text()

    # 60 seconds without a touch: back to the start, nothing of the resident left.
    with page.expect_navigation():
        page.clock.run_for(61_000)
    page.locator('[data-step="start"]').wait_for(state="visible")
    content = page.content()
    assert (
        placed.number not in content and "1234" not in page.locator("[data-k-phone]").inner_text()
    )
    assert not page.locator('[data-step="done"]').is_visible()
    page.go_back()  # the history holds nothing of the order either
    assert placed.number not in page.content()


@pytest.mark.django_db(transaction=True)
def test_a_revoked_kiosk_shows_a_clear_page(
    live_server, touch_screen, station_head, tuanjie_station, menu_item
):
    page = touch_screen
    link = services.kiosk_link_create(
        user=station_head, station_id=tuanjie_station.pk, label="大厅一体机"
    )
    page.goto(f"{live_server.url}/kiosk/{tuanjie_station.pk}/?key={links.sign(link)}")
    services.kiosk_link_revoke(user=station_head, link_id=link.pk)
    page.reload()
    assert page.locator(".k-problem").is_visible()
    assert "已被站长停用" in page.locator(".k-problem").inner_text()
    # The refusal is a 403, which Chromium logs; that one is expected.
    page.console_problems[:] = [p for p in page.console_problems if "403" not in p]

"""axe-core (``tests/axe``, vendored) on the main pages in Debian's Chromium, in Chinese and in
English: no serious or critical violation. The pages: home, the order form (empty and sent back
with errors), the tracking page, the calendar, the volunteer dashboard, the station's today page
and the coverage report. One browser for the module; each language visits every page in one test.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from core.months import current_month
from events import services as event_services
from events.calendar import calendar_compile
from orders.models import Order
from tests.browser import CHROMIUM, marks, watch_console
from tests.orders.factories import order_in_state, submit_order

pytestmark = marks

AXE = Path(__file__).resolve().parent.parent / "axe" / "axe.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def browser():
    patch = pytest.MonkeyPatch()
    # Playwright's sync API runs an event loop in this thread; the test still uses the ORM.
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
    patch.undo()


def _session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}


def axe_violations(page) -> list[dict]:
    """Serious and critical violations on the page as it is now (WCAG 2.x A and AA rules and
    axe's best practices)."""
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(url: str, violations: list[dict]) -> str:
    lines = [f"{url}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}")
            lines.append(f"      {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.fixture
def pages(tuanjie_station, menu_item, volunteer, station_head, city_admin):
    """The data behind the pages: an order to track, one to claim, an event in this month's
    published calendar."""
    village = tuanjie_station.village
    order_in_state(Order.Status.OPEN, village=village, menu_item=menu_item)
    tracked = submit_order(village, menu_item)
    start = timezone.now() + dt.timedelta(hours=2)
    event = event_services.event_create(
        user=station_head,
        title="民法典宣讲",
        category=menu_item.category,
        start=start,
        end=start + dt.timedelta(hours=2),
        organiser_position=tuanjie_station,
    )
    event_services.event_publish(user=station_head, event=event)
    calendar_compile(month=current_month())
    return {
        "anonymous": [
            "/",
            f"/orders/new/?village={village.pk}",
            ("order form with errors", f"/orders/new/?village={village.pk}"),
            f"/orders/t/{tracked.tracking_token}/",
            "/calendar/",
        ],
        volunteer.user: ["/volunteer/"],
        station_head: ["/station/today/"],
        city_admin: ["/reports/"],
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_serious_or_critical_violations(live_server, browser, pages, language):
    base = live_server.url
    failures: list[str] = []
    problems: list[str] = []
    for who, urls in pages.items():
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="en-US" if language == "en" else "zh-CN",
            is_mobile=True,
        )
        context.set_default_timeout(15_000)
        # Injected by the browser itself: the page's Content-Security-Policy does not apply.
        context.add_init_script(path=str(AXE))
        cookies = [{"name": "django_language", "value": language, "url": base}]
        if who != "anonymous":
            cookies.append(_session_cookie(who, base))
        context.add_cookies(cookies)
        page = context.new_page()
        problems += watch_console(page)
        for entry in urls:
            name, url = entry if isinstance(entry, tuple) else (entry, entry)
            response = page.goto(f"{base}{url}")
            assert response.status == 200, url
            if name == "order form with errors":
                page.click("form.form button[type=submit]")
                page.wait_for_selector("[data-error-summary]")
                assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
            assert page.evaluate("document.documentElement.lang") == language
            if found := axe_violations(page):
                failures.append(describe(f"{name} ({language})", found))
        context.close()
    assert not failures, "axe found serious or critical violations:\n" + "\n".join(failures)
    assert not problems, "console errors / CSP violations:\n" + "\n".join(problems)

"""Screenshots of the main pages, phone (360 px) and desktop (1280 px), in Chinese and English:
``uv run manage.py screenshots`` (or ``uv run python docs/main_pages.py``).

The home page, the order form, the tracking page, the calendar, the volunteer dashboard, the
station's today page and the city's coverage report, as the demo logins see them. Everything
else comes from ``docs/screenshots.py`` (the doors' screenshots): the CJK font check, the
throw-away demo database, the server, the 256-colour PNGs. Each picture is the first screen of
the page (what a person sees on opening it), not the whole page: small files, and the README
shows what matters first. PNGs: docs/screenshots/main-<page>-<zh|en>-<phone|desktop>.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshots as doors  # noqa: E402 - docs/screenshots.py, beside this file

LANGUAGES = (("zh", "zh-hans", "zh-CN"), ("en", "en", "en-US"))
SIZES = (("phone", 360, 740, True), ("desktop", 1280, 800, False))


def _prepare() -> dict:
    """The doors' demo data, plus an order to track, one waiting for the volunteer, and this
    month's calendar compiled again with the events the doors added."""
    ids = doors._prepare()
    from core.months import current_month
    from events.calendar import calendar_compile
    from orders import submission as order_submission
    from orders.selectors import menu_items_for_village
    from stations.models import Village

    village = Village.objects.get(pk=ids["village"])
    item = menu_items_for_village(village).first()
    tracked = order_submission.order_submit(
        village=village,
        menu_item=item,
        name="李大娘",
        phone="138 1234 5678",
        description="想请志愿者来村里讲讲新农合政策",
        people=20,
    ).order
    calendar_compile(month=current_month())
    return {**ids, "tracking": tracked.tracking_token}


def _pages(ids: dict) -> list[tuple[str | None, str, str]]:
    """(login or None, file name part, path)."""
    return [
        (None, "home", "/"),
        (None, "order-form", f"/orders/new/?village={ids['village']}"),
        (None, "tracking", f"/orders/t/{ids['tracking']}/"),
        (None, "calendar", "/calendar/"),
        ("volunteer", "volunteer", "/volunteer/"),
        ("station", "station-today", "/station/today/"),
        ("city", "coverage", "/reports/"),
    ]


def _shoot(base: str, ids: dict, font_env: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=doors.CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            env=font_env,
        )
        for lang, code, locale in LANGUAGES:
            for size, width, height, phone in SIZES:
                contexts: dict[str | None, object] = {}
                for login, name, path in _pages(ids):
                    if login not in contexts:
                        ctx = browser.new_context(
                            viewport={"width": width, "height": height},
                            locale=locale,
                            is_mobile=phone,
                            has_touch=phone,
                        )
                        ctx.set_default_timeout(20_000)
                        ctx.add_cookies([{"name": "django_language", "value": code, "url": base}])
                        page = ctx.new_page()
                        if login:
                            page.goto(f"{base}/accounts/login/")
                            page.fill("#id_username", login)
                            page.fill("#id_password", doors.PASSWORD)
                            page.click("main button[type=submit]")
                            page.wait_for_load_state()
                        contexts[login] = (ctx, page)
                    _ctx, page = contexts[login]
                    response = page.goto(base + path)
                    if response is None or response.status >= 400:
                        print(f"skipped {path}: {response.status if response else 'no answer'}")
                        continue
                    file = f"main-{name}-{lang}-{size}.png"
                    data = doors._small(page.screenshot())
                    (doors.OUT / file).write_bytes(data)
                    print(f"wrote docs/screenshots/{file} ({len(data) // 1024} KB)")
                for ctx, _page in contexts.values():
                    ctx.close()
        browser.close()


def main() -> None:
    doors.run(_prepare, _shoot)


if __name__ == "__main__":
    main()

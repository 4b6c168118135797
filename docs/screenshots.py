"""Screenshots of every way in (README "Every way in"): ``uv run python docs/screenshots.py``.

Builds a throw-away SQLite database with the demo data (``manage.py demo --no-server``), adds
what the doors show (a kiosk link, wishes, an event this month at 团结村's station), serves it
with ``runserver`` and photographs each door with Playwright and Debian's Chromium
(/usr/bin/chromium; nothing is downloaded). PNGs go to docs/screenshots/. A door whose URL is
not installed is skipped with a note. Takes a minute or two.

Chinese text needs a CJK font: install one (``apt-get install fonts-noto-cjk``), or point
``WENMING_SCREENSHOT_FONT_DIR`` at a folder of fonts (e.g. ``apt-get download fonts-wqy-zenhei``
unpacked with ``dpkg-deb -x``) to use it for this browser only.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "wenming-demo"  # noqa: S105 - the demo logins' published password


def _environment(db_path: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{db_path}",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="1",
    )
    return env


def _prepare() -> dict:
    """Demo data plus what each door shows; returns the ids and the kiosk link."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events import services as event_services
    from events.models import Event
    from kiosk import links
    from kiosk import services as kiosk_services
    from orders.models import ServiceCategory
    from stations.models import Position
    from wishes import services as wish_services

    call_command("demo", no_server=True, verbosity=0)
    users = get_user_model().objects
    head, volunteer = users.get(username="station"), users.get(username="volunteer")
    station = Position.objects.select_related("village").get(
        level=Position.Level.STATION, village__name="团结村", village__town__name="洪绪镇"
    )
    link = kiosk_services.kiosk_link_create(user=head, station_id=station.pk, label="大厅一体机")
    categories = list(ServiceCategory.objects.order_by("sort_order")[:4])
    texts = [
        "想请志愿者教老人用智能手机和家里孩子视频通话",
        "村东头路灯坏了两盏，晚上出门不方便",
        "希望周末有人给留守儿童辅导作业",
        "想学做家常菜的营养搭配",
    ]
    wishes = [
        wish_services.wish_submit(
            village=station.village, category=c, description=t, phone="13800001234"
        )
        for c, t in zip(categories, texts, strict=True)
    ]
    for wish in wishes[:3]:
        wish_services.wish_approve(wish_id=wish.pk, actor=head)
    wish_services.wish_claim(wish_id=wishes[0].pk, actor=volunteer)
    wish_services.wish_fulfil(wish_id=wishes[0].pk, actor=volunteer, note="已上门教会")
    wish_services.wish_claim(wish_id=wishes[1].pk, actor=volunteer)
    # Two events at the station this month (the kiosk's start screen), later this month when
    # there are days left.
    today = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0)
    days = [d for d in (3, 6) if (today + dt.timedelta(days=d)).month == today.month] or [0, 0]
    for n, (title, day) in enumerate(
        zip(("民法典进农家宣讲", "广场舞公益教学"), days, strict=False)
    ):
        start = today + dt.timedelta(days=day, hours=n)
        event = event_services.event_create(
            user=head,
            title=title,
            category=categories[n],
            start=start,
            end=start + dt.timedelta(hours=1),
        )
        if event.state == Event.State.DRAFT:
            event_services.event_publish(user=head, event=event)
    return {
        "station": station.pk,
        "village": station.village_id,
        "town": station.village.town_id,
        "kiosk_key": links.sign(link),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("runserver did not start")


def _half(png: bytes) -> bytes:
    """Kiosk screens are photographed at their real size and stored at half (README weight)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image = image.resize((image.width // 2, image.height // 2), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _font_env(tmp: str) -> dict[str, str] | None:
    """A fontconfig file adding WENMING_SCREENSHOT_FONT_DIR for Chromium only (or None)."""
    folder = os.environ.get("WENMING_SCREENSHOT_FONT_DIR")
    if not folder:
        return None
    conf = Path(tmp) / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{folder}</dir>'
        f"<cachedir>{tmp}/fontcache</cachedir></fontconfig>"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _shoot(base: str, ids: dict, tmp: str) -> None:
    from playwright.sync_api import sync_playwright

    def save(name: str, png: bytes) -> None:
        (OUT / name).write_bytes(png)
        print("wrote", OUT.relative_to(ROOT) / name)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            env=_font_env(tmp),
        )

        def context(width: int, height: int, **extra):
            ctx = browser.new_context(
                viewport={"width": width, "height": height}, locale="zh-CN", **extra
            )
            ctx.set_default_timeout(20_000)
            return ctx, ctx.new_page()

        def exists(page, path: str) -> bool:
            response = page.goto(base + path)
            if response is None or response.status >= 400:
                print(f"skipped {path}: {response.status if response else 'no answer'}")
                return False
            return True

        def login(page, username: str) -> None:
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()

        # 1. The web form on a phone, the village already chosen (as from a poster's QR code).
        ctx, page = context(360, 740, is_mobile=True, has_touch=True)
        if exists(page, f"/orders/new/?village={ids['village']}"):
            save("door-web.png", page.screenshot(full_page=True))
        # 4. The wish wall on a phone.
        if exists(page, f"/wishes/?village={ids['village']}"):
            save("door-wishes.png", page.screenshot(full_page=True))
        ctx.close()

        # 2. The kiosk, portrait and landscape; then the keypad step.
        for name, (width, height) in (
            ("door-kiosk-portrait.png", (1080, 1920)),
            ("door-kiosk-landscape.png", (1920, 1080)),
        ):
            ctx, page = context(width, height, has_touch=True)
            page.goto(f"{base}/kiosk/{ids['station']}/?key={ids['kiosk_key']}")
            save(name, _half(page.screenshot()))
            if width < height:
                page.locator("[data-k-category]").first.tap()
                page.locator("[data-k-item]:visible").first.tap()
                for digit in "1381234":
                    page.locator(f'[data-k-digit="{digit}"]').tap()
                save("door-kiosk-keypad.png", _half(page.screenshot()))
            ctx.close()

        # 3. The poster (A4, as printed) and the proxy order form (帮办), as the station head.
        ctx, page = context(794, 1123)
        login(page, "station")
        page.emulate_media(media="print")
        if exists(page, f"/stations/{ids['station']}/poster/"):
            save("door-poster.png", page.screenshot())
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 760, "height": 900})
        if exists(page, "/orders/proxy/"):
            save("door-proxy.png", page.screenshot(full_page=True))
        ctx.close()

        # 5. Open311 GeoReport v2: the services of a village, as a partner's client reads them.
        ctx, page = context(760, 700)
        from stations.models import Village

        code = Village.objects.get(pk=ids["village"]).code or ""
        if exists(page, f"/open311/v2/services.json?jurisdiction_id={code}"):
            save("door-open311.png", page.screenshot())
        ctx.close()
        browser.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "screens.sqlite3")
        env = _environment(db_path)
        os.environ.update(env)
        for key in ("CELERY_BROKER_URL", "CACHE_URL"):
            os.environ.pop(key, None)
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        ids = _prepare()
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(port)
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            _shoot(f"http://127.0.0.1:{port}", ids, tmp)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

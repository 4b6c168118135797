"""Screenshots of every way in (README "Every way in"): ``uv run python docs/screenshots.py``.

Builds a throw-away SQLite database with the demo data (``manage.py demo --no-server``), adds
what the doors show (a kiosk link, wishes, an event this month at 团结村's station), serves it
with ``runserver`` and photographs each door with Playwright and Debian's Chromium
(/usr/bin/chromium; nothing is downloaded). PNGs go to docs/screenshots/. A door whose URL is
not installed is skipped with a note. Takes a minute or two.

Chinese text needs a CJK font: install one (``apt-get install fonts-wqy-microhei``), or point
``WENMING_SCREENSHOT_FONT_DIR`` at a folder of fonts (e.g. ``apt-get download fonts-wqy-microhei``
unpacked with ``dpkg-deb -x``) to use it for this browser only. Without one the script stops
before doing anything: Chromium would draw every Chinese character as an empty box.

Phone pages are photographed 360 px wide, kiosk screens at their real size and stored at half;
every PNG is reduced to a 256-colour palette (a screenshot has few colours; a tenth of the bytes).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "wenming-demo"  # noqa: S105 - the demo logins' published password


FONT_MISSING = """No CJK font found: Chromium would draw every Chinese character as an empty box.
Install one and run again:
    apt-get install -y fonts-wqy-microhei
or point WENMING_SCREENSHOT_FONT_DIR at a folder holding a CJK font (.ttf/.ttc/.otf)."""
PHONE = 360  # px: the narrowest phone the pages are made for


def _environment(db_path: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{db_path}",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="1",
    )
    return env


def _font_env(tmp: str) -> dict[str, str]:
    """The environment Chromium runs in: WENMING_SCREENSHOT_FONT_DIR added to fontconfig's
    folders when set (for this browser only)."""
    folder = os.environ.get("WENMING_SCREENSHOT_FONT_DIR")
    if not folder:
        return dict(os.environ)
    conf = Path(tmp) / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{folder}</dir>'
        f"<cachedir>{tmp}/fontcache</cachedir></fontconfig>"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _require_tools(font_env: dict[str, str]) -> None:
    """Stop with a clear message, before any work, when Chromium or a CJK font is missing.

    Asks fontconfig (what Chromium itself uses on Linux) for fonts covering Chinese, in the
    environment Chromium will get, so a WENMING_SCREENSHOT_FONT_DIR counts too.
    """
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install -y chromium")
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise SystemExit("fc-list not found (apt-get install -y fontconfig).\n" + FONT_MISSING)
    found = subprocess.run(  # noqa: S603 - fontconfig's own tool, fixed arguments
        [fc_list, ":lang=zh", "family"],
        env=font_env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not found:
        raise SystemExit(FONT_MISSING)
    print("CJK font:", found.splitlines()[0])


def _prepare() -> dict:
    """Demo data plus what each door shows; returns the ids, the kiosk link and a partner key."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events import services as event_services
    from events.models import Event
    from kiosk import links
    from kiosk import services as kiosk_services
    from open311 import services as open311_services
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
    _partner, key = open311_services.partner_create(name="12345 热线", contact="市民热线办")
    return {
        "station": station.pk,
        "village": station.village_id,
        "village_code": station.village.code or "",
        "town": station.village.town_id,
        "kiosk_key": links.sign(link),
        "open311_key": key,
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


def _small(png: bytes, *, half: bool = False) -> bytes:
    """A 256-colour PNG (screenshots have few colours); kiosk screens at half their size."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if half:
        image = image.resize((image.width // 2, image.height // 2), Image.LANCZOS)
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- Open311: one exchange, as a partner's client sees it --------------------------------------


def _http(method: str, url: str, data: dict | None = None) -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - our server
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode()


def _pretty(text: str, content_type: str) -> str:
    if "json" in content_type:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    from xml.dom import minidom

    pretty = minidom.parseString(text.encode()).toprettyxml(indent="  ")  # noqa: S318 - ours
    return "\n".join(line for line in pretty.splitlines() if line.strip())


def _open311_page(base: str, ids: dict) -> str | None:
    """A page showing a partner's POST requests.xml and GET requests/<id>.json, as sent and
    as answered (the key shortened): the exchange the README shows for this door."""
    code = ids["village_code"]
    status, ctype, text = _http("GET", f"{base}/open311/v2/services.json?jurisdiction_id={code}")
    if status != 200:
        print(f"skipped Open311: services answered {status}")
        return None
    service = json.loads(text)[0]
    form = {
        "api_key": ids["open311_key"],
        "jurisdiction_id": code,
        "service_code": service["service_code"],
        "last_name": "王",
        "first_name": "大爷",
        "phone": "13912345678",
        "description": "来电：想请人讲讲医保政策",
        "attribute[people]": "3",
    }
    post = _http("POST", f"{base}/open311/v2/requests.xml", form)
    if post[0] != 201:
        print(f"skipped Open311: POST requests.xml answered {post[0]}: {post[2][:200]}")
        return None
    from xml.etree import ElementTree

    number = ElementTree.fromstring(post[2]).findtext(".//service_request_id")  # noqa: S314
    key = urllib.parse.quote(ids["open311_key"])
    get = _http("GET", f"{base}/open311/v2/requests/{number}.json?api_key={key}")
    short = ids["open311_key"][:10] + "…"
    shown = {**form, "api_key": short}
    lines = "\n".join(f"  -d {html.escape(f'{k}={v}')} \\" for k, v in shown.items())

    def block(title: str, request: str, answer: tuple[int, str, str]) -> str:
        return (
            f"<h2>{html.escape(title)}</h2><pre class=req>{request}</pre>"
            f"<p class=st>HTTP {answer[0]} · {html.escape(answer[1].split(';')[0])}</p>"
            f"<pre class=ans>{html.escape(_pretty(answer[2], answer[1]))}</pre>"
        )

    return (
        "<!doctype html><html lang=zh-CN><meta charset=utf-8><style>"
        "body{font:14px/1.45 sans-serif;margin:16px;color:#222;background:#fff}"
        "h1{font-size:18px;margin:0 0 4px;color:#b71c1c}h2{font-size:15px;margin:16px 0 6px}"
        "p{margin:0 0 6px}pre{margin:0;padding:8px 10px;border-radius:6px;white-space:pre-wrap;"
        "word-break:break-all;font:12.5px/1.4 monospace}.req{background:#263238;color:#eceff1}"
        ".ans{background:#f5f5f5;border:1px solid #ddd}.st{margin:6px 0 4px;color:#2e7d32;"
        "font-weight:bold}</style>"
        "<h1>Open311 GeoReport v2 · 12345 热线代群众点单</h1>"
        "<p>合作系统用标准 GeoReport v2 客户端下单和查询；单号即 service_request_id。</p>"
        + block(
            "① 下单 POST requests.xml",
            "curl -X POST /open311/v2/requests.xml \\\n" + lines.rstrip(" \\"),
            post,
        )
        + block(
            "② 查询进度 GET requests/<单号>.json",
            html.escape(f"curl '/open311/v2/requests/{number}.json?api_key={short}'"),
            get,
        )
    )


def _shoot(base: str, ids: dict, font_env: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    def save(name: str, png: bytes, *, half: bool = False) -> None:
        data = _small(png, half=half)
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT.relative_to(ROOT) / name} ({len(data) // 1024} KB)")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            env=font_env,
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

        # 1. Phones, 360 px: the web form with the village chosen (as from a poster's QR code),
        #    the wish wall, and the station head's 帮办 form filled in for a resident who phoned.
        ctx, page = context(PHONE, 740, is_mobile=True, has_touch=True)
        if exists(page, f"/orders/new/?village={ids['village']}"):
            save("door-web.png", page.screenshot(full_page=True))
        if exists(page, f"/wishes/?village={ids['village']}"):
            save("door-wishes.png", page.screenshot(full_page=True))
        login(page, "station")
        if exists(page, "/orders/proxy/"):
            page.locator("#id_menu_item").select_option(index=1)
            page.fill("#id_name", "王大爷")
            page.fill("#id_phone", "138 1234 1234")
            page.fill("#id_description", "电话里说想听听医保政策")
            page.check("#id_consent")
            save("door-proxy.png", page.screenshot(full_page=True))
        ctx.close()

        # 2. The kiosk, portrait and landscape; then the keypad step and the slip with its QR.
        for name, (width, height) in (
            ("door-kiosk-portrait.png", (1080, 1920)),
            ("door-kiosk-landscape.png", (1920, 1080)),
        ):
            ctx, page = context(width, height, has_touch=True)
            page.goto(f"{base}/kiosk/{ids['station']}/?key={ids['kiosk_key']}")
            save(name, page.screenshot(), half=True)
            if width < height:
                page.locator("[data-k-category]").first.tap()
                page.locator("[data-k-item]:visible").first.tap()
                for digit in "1381234":
                    page.locator(f'[data-k-digit="{digit}"]').tap()
                save("door-kiosk-keypad.png", page.screenshot(), half=True)
                for digit in "1234":
                    page.locator(f'[data-k-digit="{digit}"]').tap()
                page.locator("[data-k-submit]").tap()
                page.locator("[data-k-qr] svg").wait_for()
                save("door-kiosk-done.png", page.screenshot(), half=True)
            ctx.close()

        # 3. The poster, as printed on A4 (794 px is A4's width at 96 dpi).
        ctx, page = context(794, 1123)
        login(page, "station")
        page.emulate_media(media="print")
        if exists(page, f"/stations/{ids['station']}/poster/"):
            save("door-poster.png", page.screenshot())
        ctx.close()

        # 4. Open311: a partner's order and its status, request and answer.
        content = _open311_page(base, ids)
        if content is not None:
            ctx, page = context(640, 400)
            page.set_content(content)
            save("door-open311.png", page.screenshot(full_page=True))
            ctx.close()
        browser.close()


def main() -> None:
    run(_prepare, _shoot)


def run(prepare, shoot) -> None:
    """Font check, a throw-away demo database made by ``prepare()`` (returning ids), a
    ``runserver`` on it, then ``shoot(base_url, ids, font_env)``. ``docs/main_pages.py`` (the
    main pages, ``manage.py screenshots``) runs its own ``prepare`` and ``shoot`` through it."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        font_env = _font_env(tmp)
        _require_tools(font_env)
        db_path = str(Path(tmp) / "screens.sqlite3")
        env = _environment(db_path)
        os.environ.update(env)
        for key in ("CELERY_BROKER_URL", "CACHE_URL"):
            os.environ.pop(key, None)
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        ids = prepare()
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
            shoot(f"http://127.0.0.1:{port}", ids, font_env)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

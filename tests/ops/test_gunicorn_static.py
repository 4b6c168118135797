"""gunicorn with default settings (production: no DJANGO_DEBUG, nothing collected yet) serves a
styled site and a working admin autocomplete: WhiteNoise finds the static files wherever
they are."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.db import connection

from tests import factories as f
from tests.ops.conftest import ROOT, database_url, free_port, wait_for

GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = [
    pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn not installed"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="gunicorn must share the test database (SQLite's is in memory)",
    ),
]


class Browser:
    """Just enough of a browser behind the TLS proxy: cookies (Secure ones too) and https."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None):
        host = urllib.parse.urlsplit(self.base).netloc
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{host}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(req, timeout=60)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({k: m.value for k, m in cookie.items()})
        return response.status, response.headers, response.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WENMING_"))},
        "DJANGO_SECRET_KEY": "k3J9-x2Qz_vL8pWn4RtYb6Hc0Ds5Fg7Ae1Mu9Io3Kj8Lq2Zx4Cv6Bn0Tm5Ry7Ew1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static-never-collected"),
    }
    proc = subprocess.Popen(  # noqa: S603 - fixed executable and arguments
        [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    browser = Browser(f"http://127.0.0.1:{port}")

    def up():
        assert proc.poll() is None, proc.stderr.read().decode()
        try:
            return browser.request("/healthz")[0] == 200
        except OSError:
            return False

    try:
        wait_for(up, timeout=90, what="gunicorn to answer")
        yield browser
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_styled_pages_and_admin_autocomplete(gunicorn, tuanjie, neighbour_village, settings):
    # The server checks the password with the real hasher, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    root.set_password("s3cret-Root!")
    root.save()

    status, _headers, body = gunicorn.request("/")
    assert status == 200
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body.decode())
    assert stylesheets
    for href in stylesheets:
        status, headers, css = gunicorn.request(href)
        assert status == 200, href
        assert headers["Content-Type"].startswith("text/css") and css

    status, _headers, _body = gunicorn.request("/admin/login/")
    assert status == 200
    status, headers, _body = gunicorn.request(
        "/admin/login/?next=/admin/",
        {
            "username": "root",
            "password": "s3cret-Root!",
            "csrfmiddlewaretoken": gunicorn.cookies["csrftoken"],
            "next": "/admin/",
        },
    )
    assert status == 302 and headers["Location"] == "/admin/"

    status, _headers, body = gunicorn.request("/admin/orders/menuitem/add/")
    assert status == 200
    scripts = re.findall(r'<script src="([^"]+)"', body.decode())
    assert any("select2" in s for s in scripts) and any("autocomplete" in s for s in scripts)
    for src in scripts:
        assert gunicorn.request(src)[0] == 200, src
    query = "app_label=orders&model_name=menuitem&field_name=villages&term=" + urllib.parse.quote(
        "团结"
    )
    status, _headers, body = gunicorn.request(f"/admin/autocomplete/?{query}")
    assert status == 200
    # The village with its town: five villages of a city may share a name.
    assert [r["text"] for r in json.loads(body)["results"]] == ["团结村（洪绪镇）"]

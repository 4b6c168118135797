"""A strict Content-Security-Policy (no unsafe-inline / unsafe-eval) and a Permissions-Policy
on every page, the admin and the API docs included; nothing inline for the CSP to refuse."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/accounts/login/",
    "/admin/login/",
    "/orders/new/",
    "/calendar/",
    "/api/docs/",
    "/api/redoc/",
    "/api/schema/",
    "/api/towns/",
    "/api/no-such-thing/",
]
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def assert_strict(response):
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    policy = directives(header)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    return policy


def assert_nothing_inline(html: str, nonce: str | None = None):
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html).group(0)
    assert "<style" not in html
    for attrs in SCRIPT_TAG.findall(html):
        assert "src=" in attrs or (nonce and f'nonce="{nonce}"' in attrs), attrs


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_a_strict_policy(client, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    policy = assert_strict(response)
    nonce = next((v[7:-1] for v in policy["script-src"] if v.startswith("'nonce-")), None)
    if response["Content-Type"].startswith("text/html"):
        assert_nothing_inline(response.content.decode(), nonce)


def test_admin_pages_have_a_strict_policy(client, superuser):
    client.force_login(superuser)
    for url in ["/admin/", "/admin/auth/user/", f"/admin/auth/user/{superuser.pk}/change/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert_strict(response)
        assert_nothing_inline(response.content.decode())


def test_logged_in_pages_have_nothing_inline(client, station_head):
    client.force_login(station_head)
    for url in ["/", "/station/orders/", "/reports/"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_nothing_inline(response.content.decode())


def test_swagger_start_up_script_carries_the_nonce(client):
    response = client.get("/api/docs/")
    policy = assert_strict(response)
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert "SwaggerUIBundle(" in html
    assert_nothing_inline(html, nonce)
    # A fresh nonce on every response.
    assert nonce not in client.get("/api/docs/")["Content-Security-Policy"]


def test_pages_without_inline_script_get_no_nonce(client):
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]


def test_language_picker_needs_no_inline_handler(client):
    html = client.get("/").content.decode()
    assert "data-autosubmit" in html
    assert "wenming/site.js" in html

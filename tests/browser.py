"""Headless Chromium at phone size (360×740), for the browser tests (``page`` fixture in
``tests/conftest.py``). Debian's Chromium only: the tests never download a browser."""

from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")

# Module marks for a browser test: tagged, and skipped where Chromium is not installed.
marks = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]


def phone_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test still uses the ORM.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="zh-CN",
            is_mobile=True,
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        yield context.new_page()
        # Queries made while Playwright's event loop runs open their own connection (another
        # context); close it here, or the test database cannot be dropped at the end.
        connections.close_all()
        context.close()
        browser.close()


def fits_width(page) -> bool:
    """Wide tables scroll inside their own box; the page itself never scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth") <= 360

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
        page = context.new_page()
        problems = watch_console(page)
        page.console_problems = problems  # a test may drop a problem it expects
        yield page
        # Queries made while Playwright's event loop runs open their own connection (another
        # context); close it here, or the test database cannot be dropped at the end.
        connections.close_all()
        context.close()
        browser.close()
    # Every browser test also checks that the pages it visited broke no Content-Security-Policy
    # rule and logged no error.
    assert not problems, "console errors / CSP violations:\n" + "\n".join(problems)


# Chromium logs a refused inline script or style as a console error; the event listener also
# catches violations it reports only as events (e.g. in the admin's popups).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def watch_console(page) -> list[str]:
    """Collect the page's console errors, uncaught exceptions and CSP violations (a list that
    grows as the test runs)."""
    problems: list[str] = []
    page.add_init_script(_REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{msg.type}: {msg.text} ({page.url})") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc} ({page.url})"))
    return problems


def fits_width(page) -> bool:
    """Wide tables scroll inside their own box; the page itself never scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth") <= 360

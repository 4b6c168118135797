"""gunicorn as deployed (gunicorn.conf.py read from the project folder): no server software in
the Server header, and the production security headers on its responses."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn_url():
    yield from _gunicorn()


def _gunicorn(*args: str, logs: list | None = None):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WENMING_"))},
        "DJANGO_SECRET_KEY": "k3J9-x2Qz_vL8pWn4RtYb6Hc0Ds5Fg7Ae1Mu9Io3Kj8Lq2Zx4Cv6Bn0Tm5Ry7Ew1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    proc = subprocess.Popen(  # noqa: S603 - fixed executable and arguments
        [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(proc.stderr.read().decode()) from None
                time.sleep(0.2)  # polling for the server to listen, not timing a result
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if logs is not None:
            logs.append(proc.stderr.read().decode())


def _head(url: str, **headers: str):
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - local test server
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as exc:
        return exc


def test_no_server_software_and_https_by_default(gunicorn_url):
    # Started with no DJANGO_DEBUG: production (config.wsgi), so plain http is redirected.
    response = _head(f"{gunicorn_url}/")
    assert response.status == 301
    assert response.headers["Location"].startswith("https://")
    assert response.headers["Server"] == "wenming"
    # Behind the TLS proxy: HSTS, CSP and Permissions-Policy, still no server software.
    response = _head(f"{gunicorn_url}/api/no-such-thing/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 404
    assert response.headers["Server"] == "wenming"
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("args, access_lines", [((), 0), (("--access-logfile", "-"), 2)])
def test_gunicorn_logs_each_request_once_unless_its_access_log_is_asked_for(args, access_lines):
    """The app writes one line per request (wenming.request); gunicorn's access log comes on
    only with --access-logfile (gunicorn.conf.py), not whenever a logging config is set."""
    logs: list[str] = []
    server = _gunicorn(*args, logs=logs)
    url = next(server)
    for _ in range(2):
        _head(f"{url}/api/no-such-thing/", **{"X-Forwarded-Proto": "https"})
    server.close()
    (output,) = logs
    assert output.count('"logger": "wenming.request"') == 2
    assert output.count('"logger": "gunicorn.access"') == access_lines

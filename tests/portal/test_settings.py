"""Production settings (DJANGO_DEBUG=0) refuse to start without a secret key and allowed hosts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         " print('DEBUG', settings.DEBUG)"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_production_refuses_without_secret_key():
    result = load_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="wenming.example.cn")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_placeholder_secret_key_from_env_example():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    placeholder = example.split("DJANGO_SECRET_KEY=", 1)[1].split()[0]
    result = load_settings(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=placeholder, DJANGO_ALLOWED_HOSTS="wenming.example.cn"
    )
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_production_refuses_without_allowed_hosts():
    result = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = load_settings(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="wenming.example.cn"
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_debug_is_the_local_default():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_demo_command_refused_in_production():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "demo", "--no-server"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "wenming.example.cn",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "DJANGO_DEBUG=0" in result.stderr


def start_server_module(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import config.wsgi / config.asgi as a WSGI/ASGI server does, with only ``env`` set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    code = f"import {module}; from django.conf import settings; print('DEBUG', settings.DEBUG)"
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_server_without_configuration_refuses_to_start(module):
    """gunicorn with no environment must not serve debug pages signed with the dev key."""
    result = start_server_module(module)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_server_defaults_to_production(module):
    result = start_server_module(
        module, DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="wenming.example.cn"
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_server_debug_only_when_asked(module):
    result = start_server_module(module, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


# The README's production environment ("PostgreSQL, Redis, worker and beat"), with a real key.
README_PRODUCTION = {
    "DATABASE_URL": "postgres://wenming:secret@127.0.0.1:5432/wenming",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3J9-x2Qz_vL8pWn4RtYb6Hc0Ds5Fg7Ae1Mu9Io3Kj8Lq2Zx4Cv6Bn0Tm5Ry7Ew1",
    "DJANGO_ALLOWED_HOSTS": "wenming.example.cn",
    "WENMING_SITE_URL": "https://wenming.example.cn",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "WENMING_", "DATABASE_", "CELERY_", "CACHE_"))
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_in_the_readme_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **README_PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_to_https_with_hsts():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    result = manage("shell", "--no-imports", "-c", code, **README_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "True"]
    plain_http = {**README_PRODUCTION, "DJANGO_SSL_REDIRECT": "0", "DJANGO_HSTS_SECONDS": "0"}
    result = manage("shell", "--no-imports", "-c", code, **plain_http)
    assert result.stdout.split() == ["False", "0", "True"]

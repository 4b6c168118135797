"""Production settings (DJANGO_DEBUG=0) refuse to start without a secret key and allowed hosts.

Every start-up below is a new process with an environment of its own, as a server or
``manage.py`` would start; all of them run once per module, each in a child forked from one
interpreter (``tests/portal/startups.py``), and each test reads its own start-up's exit status,
stdout and stderr.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("startups.py")
SERVER_MODULES = ["config.wsgi", "config.asgi"]
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
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50}
HOSTS = {"DJANGO_ALLOWED_HOSTS": "wenming.example.cn"}
HTTPS_CODE = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
)


def without(*prefixes: str) -> dict[str, str]:
    """The test process's environment without the variables that configure the project."""
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def load_settings(**env: str) -> dict:
    """``django.setup()`` with the settings module named and only ``env`` of the DJANGO_ ones."""
    return {
        "env": {**without("DJANGO_"), "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        "code": "import django; django.setup(); from django.conf import settings;"
        " print('DEBUG', settings.DEBUG)",
    }


def start_server_module(module: str, **env: str) -> dict:
    """Import config.wsgi / config.asgi as a WSGI/ASGI server does, with only ``env`` set."""
    code = f"import {module}; from django.conf import settings; print('DEBUG', settings.DEBUG)"
    return {"env": {**without("DJANGO_"), **env}, "code": code}


def manage(*args: str, **env: str) -> dict:
    clean = without("DJANGO_", "WENMING_", "DATABASE_", "CELERY_", "CACHE_")
    return {"env": {**clean, **env}, "argv": ["manage.py", *args]}


def _placeholder_key() -> str:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    return example.split("DJANGO_SECRET_KEY=", 1)[1].split()[0]


def start_ups() -> dict[str, dict]:
    return {
        "no_secret_key": load_settings(DJANGO_DEBUG="0", **HOSTS),
        "placeholder_key": load_settings(
            DJANGO_DEBUG="0", DJANGO_SECRET_KEY=_placeholder_key(), **HOSTS
        ),
        "no_allowed_hosts": load_settings(**PRODUCTION),
        "production": load_settings(**PRODUCTION, **HOSTS),
        "no_environment": load_settings(),
        "demo_in_production": {
            "env": {**without("DJANGO_"), **PRODUCTION, **HOSTS},
            "argv": ["manage.py", "demo", "--no-server"],
        },
        **{f"{m} unconfigured": start_server_module(m) for m in SERVER_MODULES},
        **{
            f"{m} configured": start_server_module(m, **PRODUCTION, **HOSTS) for m in SERVER_MODULES
        },
        **{f"{m} debug": start_server_module(m, DJANGO_DEBUG="1") for m in SERVER_MODULES},
        "check_deploy": manage("check", "--deploy", "--fail-level", "WARNING", **README_PRODUCTION),
        "https": manage("shell", "--no-imports", "-c", HTTPS_CODE, **README_PRODUCTION),
        "plain_http": manage(
            "shell",
            "--no-imports",
            "-c",
            HTTPS_CODE,
            **{**README_PRODUCTION, "DJANGO_SSL_REDIRECT": "0", "DJANGO_HSTS_SECONDS": "0"},
        ),  # fmt: skip
    }


@pytest.fixture(scope="module")
def started() -> dict[str, subprocess.CompletedProcess]:
    """Every start-up of this module, by name: what its process exited with and printed."""
    probe = subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, str(PROBE)],
        input=json.dumps(start_ups()),
        cwd=ROOT,
        env=without("DJANGO_"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    return {
        name: subprocess.CompletedProcess(name, r["returncode"], r["stdout"], r["stderr"])
        for name, r in json.loads(probe.stdout).items()
    }


def test_production_refuses_without_secret_key(started):
    result = started["no_secret_key"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_placeholder_secret_key_from_env_example(started):
    result = started["placeholder_key"]
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_production_refuses_without_allowed_hosts(started):
    result = started["no_allowed_hosts"]
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both(started):
    result = started["production"]
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_debug_is_the_local_default(started):
    result = started["no_environment"]
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_demo_command_refused_in_production(started):
    result = started["demo_in_production"]
    assert result.returncode == 1
    assert "DJANGO_DEBUG=0" in result.stderr


@pytest.mark.parametrize("module", SERVER_MODULES)
def test_server_without_configuration_refuses_to_start(started, module):
    """gunicorn with no environment must not serve debug pages signed with the dev key."""
    result = started[f"{module} unconfigured"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("module", SERVER_MODULES)
def test_server_defaults_to_production(started, module):
    result = started[f"{module} configured"]
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


@pytest.mark.parametrize("module", SERVER_MODULES)
def test_server_debug_only_when_asked(started, module):
    result = started[f"{module} debug"]
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_check_deploy_passes_in_the_readme_production_environment(started):
    result = started["check_deploy"]
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_to_https_with_hsts(started):
    result = started["https"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "True"]
    result = started["plain_http"]
    assert result.stdout.split() == ["False", "0", "True"]

"""docker-compose.yml, .env.example and the Dockerfile, checked as `docker compose config` would
and more: there is no Docker here, so the structure is read from the files (and `docker compose
config` runs too when the CLI with the compose plugin is installed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from tests.ops.conftest import ROOT

DOCKER = shutil.which("docker")
SETTING = re.compile(r"`((?:DJANGO|WENMING|DATABASE|CELERY|CACHE)_[A-Z0-9_]+)`")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.M))


def test_every_readme_variable_is_in_env_example():
    readme = set(SETTING.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    settings_py = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:_bool|_int|_list)?\("([A-Z][A-Z0-9_]+)"', settings_py))
    assert readme - _example_names() == set()
    assert read - readme == set(), "settings read variables the README does not describe"


def test_every_service_has_a_health_check(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), name
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "probe" in services["beat"]["healthcheck"]["test"]
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile


def test_volumes_and_append_only_redis(compose):
    services = compose["services"]
    assert set(compose["volumes"]) >= {"pgdata", "redisdata", "media", "backups"}
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert services["redis"]["command"][1:] == ["--appendonly", "yes"]
    for name in ("web", "worker", "beat"):
        assert "media:/app/media" in services[name]["volumes"], name
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["beat"]["deploy"]["replicas"] == 1
    # Only variables that .env.example documents are interpolated.
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", text))
    assert used - _example_names() == set()


def test_multi_stage_non_root_image():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM \S+ AS (\w+)$", dockerfile, flags=re.M)
    assert len(stages) >= 2
    final = dockerfile.split(f"AS {stages[-1]}", 1)[1]
    users = re.findall(r"^USER (\S+)$", final, flags=re.M)
    assert users and users[-1] not in {"root", "0"}
    assert "COPY --from=build" in final


def _compose_cli() -> bool:
    if DOCKER is None:
        return False
    version = subprocess.run(  # noqa: S603 - docker from PATH, fixed arguments
        [DOCKER, "compose", "version"], capture_output=True, check=False
    )
    return version.returncode == 0


@pytest.mark.skipif(
    not _compose_cli(),
    reason="the docker CLI with the compose plugin is not installed",
)
def test_docker_compose_config_validates():
    result = subprocess.run(  # noqa: S603 - docker from PATH, fixed arguments
        [DOCKER, "compose", "config", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr

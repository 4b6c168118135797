"""docker-compose.yml, .env.example and the Dockerfile: validated by a real compose CLI (`docker
compose` where the plugin is installed, else Debian's `docker-compose`, which `.ci/run` installs),
and their structure read from the files for what `config` does not check."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

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


def _compose_command() -> list[str] | None:
    """The compose CLI here: the docker plugin (v2) if present, else Debian's docker-compose."""
    if DOCKER is not None:
        version = subprocess.run(  # noqa: S603 - docker from PATH, fixed arguments
            [DOCKER, "compose", "version"], capture_output=True, check=False
        )
        if version.returncode == 0:
            return [DOCKER, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


COMPOSE = _compose_command()
needs_compose = pytest.mark.skipif(
    COMPOSE is None,
    reason="no compose CLI (apt-get install docker-compose; .ci/run installs it)",
)


def _prepare(folder: Path) -> None:
    """The files as a user has them after `cp .env.example .env`, in a copy (the checkout's own
    .env, if a developer has one, plays no part)."""
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copy(ROOT / ".env.example", folder / ".env")


def _config(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "POSTGRES_"))}
    return subprocess.run(  # noqa: S603 - the compose CLI from PATH, fixed arguments
        [*COMPOSE, "config", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@needs_compose
def test_docker_compose_config_validates(tmp_path):
    _prepare(tmp_path)
    result = _config(tmp_path)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    web = resolved["services"]["web"]["environment"]
    # Interpolated from .env: the secret from .env.example, the stack's own database URL.
    assert web["DJANGO_SECRET_KEY"] == "change-me-to-50-random-characters"
    assert web["DATABASE_URL"] == "postgres://wenming:wenming@postgres:5432/wenming"
    assert resolved["services"]["beat"]["deploy"]["replicas"] == 1


@needs_compose
def test_docker_compose_config_refuses_a_broken_file(tmp_path):
    """The validator can fail: a misspelt key is an error, not silently ignored."""
    _prepare(tmp_path)
    path = tmp_path / "docker-compose.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("healthcheck:", "healthchek:", 1), encoding="utf-8")
    result = _config(tmp_path, "--quiet")
    assert result.returncode != 0
    assert "healthchek" in result.stderr


@needs_compose
def test_docker_compose_config_needs_the_secret_key(tmp_path):
    """Without DJANGO_SECRET_KEY the stack refuses to start instead of running with none."""
    _prepare(tmp_path)
    env_file = tmp_path / ".env"
    lines = env_file.read_text(encoding="utf-8").splitlines()
    env_file.write_text(
        "\n".join(line for line in lines if not line.startswith("DJANGO_SECRET_KEY=")),
        encoding="utf-8",
    )
    result = _config(tmp_path, "--quiet")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr

"""Throwaway services for operations tests: a Redis of the test's own (started, stopped and
started again on the same port) and real Celery worker processes. The machine's shared
PostgreSQL and Redis are never stopped: "down" is a server of our own that we stop, or an
address where nothing listens."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis

from tests.events.conftest import create_event, make_event  # noqa: F401 - fixtures for tests here

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_url(scheme: str = "redis", path: str = "/0") -> str:
    """An address where nothing listens (a port we bound and released)."""
    return f"{scheme}://127.0.0.1:{free_port()}{path}"


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds.
    The pause between polls only spaces them out: nothing waits for a guessed duration."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class RedisServer:
    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - the machine's redis-server, fixed args
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def up():
            try:
                return client.ping()
            except redis.ConnectionError:
                assert self.proc.poll() is None, "redis-server exited"
                return False

        wait_for(up, timeout=30, what="redis-server to answer")
        client.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.proc = None


@pytest.fixture
def redis_server(tmp_path):
    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def database_url() -> str:
    """The live test database as a URL, for processes that must share it."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor != "postgresql":
        return os.environ.get("DATABASE_URL", "")
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A real ``celery worker`` process in its own process group (``kill -9`` takes it whole)."""

    def __init__(self, *, broker: str, queue: str, env: dict[str, str] | None = None):
        self.queue = queue
        self.name = f"{queue}-{uuid.uuid4().hex[:6]}@%h"
        environ = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "DATABASE_CONN_MAX_AGE": "0",
            **(env or {}),
        }
        if database_url():
            environ["DATABASE_URL"] = database_url()
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                queue,
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "-n",
                self.name,
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """``kill -9``: no clean shutdown, no acknowledgement, nothing written on the way out."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.stdout.read().decode(errors="replace")[-4000:]


@pytest.fixture
def workers():
    """Start workers with ``workers(broker=…, queue=…)``; all are stopped after the test."""
    started: list[Worker] = []

    def start(**kwargs) -> Worker:
        worker = Worker(**kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        output = worker.stop()
        if output.strip():
            sys.stdout.write(output)

"""Time the order lists at any scale on the configured (seeded) database (issue 19).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wm_bench CACHE_URL=redis://127.0.0.1:6379/12 \\
        uv run python bench/lists.py [--runs 20]

Through the full Django stack (test client: session, auth, middleware, view, template or
serializer) with ``DEBUG=0``, as the demo logins (``portal.demo_logins``, created if missing):
``GET /api/orders/`` as the city and as the town admin of 洪绪镇, the station head's
``/station/orders/`` (团结村) and the volunteer's ``/volunteer/`` dashboard. Prints, per list, the
median wall-clock and CPU milliseconds of N requests, the query count of one and the bytes,
with the rows each login can see, so that scales can be compared.
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Not this folder: its http.py (bench/http.py) would shadow the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "wenming-static"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from orders.models import Order  # noqa: E402
from portal.demo_logins import ensure_demo_logins  # noqa: E402
from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE  # noqa: E402
from stations.models import Village  # noqa: E402

LISTS = (
    ("GET /api/orders/ as the city", "city", "/api/orders/"),
    (f"GET /api/orders/ as the town ({ARTICLE_TOWN})", "town", "/api/orders/"),
    (f"/station/orders/ ({ARTICLE_VILLAGE})", "station", "/station/orders/"),
    (f"/volunteer/ dashboard ({ARTICLE_VILLAGE})", "volunteer", "/volunteer/"),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the request log line of every request
    call_command("collectstatic", interactive=False, verbosity=0)
    users = ensure_demo_logins(password="bench-only-password")  # noqa: S106 - a bench login
    village = Village.objects.select_related("town").get(
        name=ARTICLE_VILLAGE, town__name=ARTICLE_TOWN
    )
    print(
        f"{connection.vendor}: {Village.objects.count()} villages, {Order.objects.count()} orders "
        f"({Order.objects.filter(town=village.town).count()} in {ARTICLE_TOWN}, "
        f"{Order.objects.filter(village=village).count()} in {ARTICLE_VILLAGE})"
    )
    print(f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':44s} {'wall':>9s} {'CPU':>9s} {'queries':>8s} {'bytes':>8s}")
    for name, login, path in LISTS:
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.force_login(users[login])

        def hit(client=client, path=path):
            response = client.get(path, secure=True)
            assert response.status_code == 200, (path, response.status_code)
            return response

        hit()  # warm up (connection, templates, caches)
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            size = len(hit().content)
        wall, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            hit()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        print(
            f"{name:44s} {statistics.median(wall):6.1f} ms {statistics.median(cpu):6.1f} ms "
            f"{len(queries):8d} {size:8d}"
        )


if __name__ == "__main__":
    main()

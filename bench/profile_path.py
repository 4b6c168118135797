"""Profile one path through the whole Django stack (cProfile), on the bench's database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wm_bench CACHE_URL=redis://127.0.0.1:6379/12 \\
        uv run python bench/profile_path.py "/calendar/2026-11/?village=1" [--login city] [-n 50]

Runs the request ``n`` times in-process with ``DJANGO_DEBUG=0`` (after two warm-up requests),
prints the median time and the query count of one request, and the functions that took the
most cumulative time (the median is measured without the profiler, which roughly doubles a
request's time). ``--login`` sends the request as that user (the demo logins' names).
``--method POST --json '{"phone": "139{n}", …}'`` sends a JSON body, ``{n}`` a fresh number per
request (a new phone: no duplicate, no per-phone limit).
"""

import argparse
import cProfile
import itertools
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not this folder: its http.py (bench/http.py) would shadow the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_STATIC_ROOT", "/tmp/wenming-bench-static")  # noqa: S108

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--login", default="")
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--sort", default="cumulative", help="cumulative or tottime")
    parser.add_argument(
        "--json",
        default="",
        help="a JSON body to send; {n} in it becomes a counter (a fresh phone per request)",
    )
    parser.add_argument("--encoding", default="", help="an Accept-Encoding header to send")
    parser.add_argument("--queries", action="store_true", help="print one request's SQL")
    args = parser.parse_args()
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    if args.login:
        client.force_login(get_user_model().objects.get(username=args.login))

    counter = itertools.count(int(time.time()) % 100000 * 1000)
    extra = {"HTTP_ACCEPT_ENCODING": args.encoding} if args.encoding else {}

    def hit():
        if args.json:
            body = args.json.replace("{n}", f"{next(counter):08d}")
            response = client.generic(
                args.method, args.path, body, "application/json", secure=True, **extra
            )
        else:
            response = client.generic(args.method, args.path, secure=True, **extra)
        assert response.status_code < 400, (response.status_code, response.content[:300])
        return response

    hit(), hit()
    queries = []

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((sql, (time.perf_counter() - started) * 1000))

    with connection.execute_wrapper(count):
        size = len(hit().content)
    # Timed without the profiler (cProfile roughly doubles a request's time), then profiled.
    # CPU time too: on a shared machine the wall time mostly measures the other processes.
    times, cpu = [], []
    for _ in range(args.n):
        started, cpu_started = time.perf_counter(), time.process_time()
        hit()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    profile = cProfile.Profile()
    for _ in range(args.n):
        profile.enable()
        hit()
        profile.disable()
    print(
        f"{args.path}: median {statistics.median(times):.1f} ms "
        f"(CPU {statistics.median(cpu):.1f} ms), {len(queries)} queries, "
        f"{size} bytes"
    )
    if args.queries:
        for number, (sql, ms) in enumerate(queries, 1):
            print(f"{number:>3}. {ms:6.2f} ms  {sql[:200]}")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(30)


if __name__ == "__main__":
    main()

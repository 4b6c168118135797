"""HTTP throughput of the hot paths against the app's own empty view, all in one run (issue 19).

    uv run python bench/http.py [--redis redis://127.0.0.1:6379] [--duration 10] [--scale 1]
        [--cache-db 12 --broker-db 13] [--worker-class gthread --worker-threads 4]

What it does, in order:

1. Uses its own PostgreSQL database (``--database``, default ``wm_bench``; created when missing,
   never a developer's): migrates it and, when empty, runs ``seed_demo --scale N``. A seeded
   database is reused, so later runs start at once.
2. Prepares what the paths need: the demo logins (a random password, never printed), a login
   session for the volunteer, the station head, the town and the city, an API token for a claimer
   in another town and a batch of open orders for them to claim, this month's published
   calendar.
3. Starts gunicorn as production does (``DJANGO_DEBUG=0``, 3 workers, ``gunicorn.conf.py``) with
   ``bench/http_settings.py``, which adds ``/bench/empty/`` (a view that does nothing) behind the
   same middleware, and the floors (``bench/http_urls.py``): a signed-in request that does
   nothing else, one that renders the site's frame, the frame and one query, and a POST that
   writes only an order and its status row; and one Celery
   worker on Redis (the rollup refresh and notifications run there, as in production;
   ``--no-worker`` to leave it out).
4. Drives each path with ``wrk`` (16 connections, 2 threads; POSTs from a Lua script with a
   fresh phone number per request) and prints req/s, p50 and p99 latency, non-2xx answers, the
   response size, and the ratio of its req/s to the empty view's, measured right before it (on a
   shared machine the load moves during a run; the empty column shows how much).

Requests carry ``X-Forwarded-Proto: https`` as behind the production proxy (otherwise every
answer would be the redirect to https). ``--only home,menu`` runs some cases (the empty view is
always measured). ``--json FILE`` writes the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder is first on sys.path, and there "http" is this file:
# replace it with the project root so that the standard library's http package is found.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402


@dataclass
class Case:
    name: str
    label: str
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    lua: str = ""  # a wrk script (requests built per request), instead of one fixed request
    expect: tuple[int, ...] = (200,)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="wm_bench", help="PostgreSQL database (wm_bench)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server URL")
    # Beside other benches or test runs on the same Redis, each keeps its own database numbers.
    parser.add_argument("--cache-db", type=int, default=12, help="Redis db of the cache (12)")
    parser.add_argument("--broker-db", type=int, default=13, help="Redis db of Celery (13)")
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale when seeding")
    parser.add_argument("--duration", type=int, default=10, help="seconds per path (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per path (2)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument(
        "--worker-class", default="sync", help="gunicorn worker class (sync, as production)"
    )
    parser.add_argument(
        "--worker-threads", type=int, default=1, help="threads per gunicorn worker (gthread)"
    )
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--no-worker", action="store_true", help="no Celery worker")
    parser.add_argument("--json", default="", help="write the results to this file")
    return parser.parse_args()


def environment(args: argparse.Namespace, static_root: Path) -> dict[str, str]:
    """Production's environment, pointed at the bench's own database and Redis databases."""
    redis = args.redis.rstrip("/")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{args.pg.rstrip('/')}/{args.database}",
        CACHE_URL=f"{redis}/{args.cache_db}",
        CELERY_BROKER_URL=f"{redis}/{args.broker_db}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="bench.http_settings",
        # Production refuses to build feed and QR links without the public address.
        WENMING_SITE_URL=f"http://127.0.0.1:{args.port}",
        # One address sends every request: the per-address limits would answer 429 after 20.
        WENMING_ORDER_RATE_IP="100000000/hour",
        WENMING_ORDER_RATE_PHONE="100000000/hour",
        PYTHONPATH=str(ROOT),
    )
    return env


def ensure_database(args: argparse.Namespace) -> None:
    import psycopg

    with psycopg.connect(f"{args.pg.rstrip('/')}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{args.database}"')  # noqa: S608 - our own argument
            print(f"created database {args.database}")


def prepare(args: argparse.Namespace, claims: int) -> dict:
    """Migrate, seed when empty, and return the ids, cookies and tokens the cases need."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from core.months import current_month
    from events.models import PublishedCalendar
    from orders.models import Order, OrderStatusChange
    from orders.selectors import menu_items_for_village
    from portal import seeding
    from portal.demo_logins import ensure_demo_logins
    from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE
    from stations.models import Town, Village
    from volunteers.models import Volunteer

    call_command("migrate", interactive=False, verbosity=0)
    if not seeding.is_seeded():
        started = time.perf_counter()
        print(f"seeding scale {args.scale} (once; later runs reuse it) …", flush=True)
        call_command("seed_demo", scale=args.scale, force=True, verbosity=0)
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
        # What autovacuum does in production a while after a bulk load: without it the
        # planner's statistics are those of a third of the orders (10,073 rows for 30,601).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    call_command("collectstatic", interactive=False, verbosity=0)
    logins = ensure_demo_logins(password=secrets.token_urlsafe(16))
    month = current_month()
    if not PublishedCalendar.objects.filter(month=month).exists():
        call_command("compile_calendar", month.strftime("%Y-%m"), no_progress=True)

    tuanjie = Village.objects.get(town__name=ARTICLE_TOWN, name=ARTICLE_VILLAGE)
    item = menu_items_for_village(tuanjie).first()

    def session(username: str) -> str:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client.cookies["sessionid"].value

    # The claimer: a volunteer of another town, so that the demo volunteer's dashboard does not
    # grow with every run's claimed orders.
    other_town = Town.objects.exclude(name=ARTICLE_TOWN).order_by("id").first()
    claimer = (
        Volunteer.objects.filter(town=other_town, is_active=True, user__username="bench-claimer")
        .select_related("user")
        .first()
    )
    if claimer is None:
        user, _ = get_user_model().objects.get_or_create(username="bench-claimer")
        claimer = Volunteer.objects.filter(town=other_town, is_active=True, user=None).first()
        claimer.user = user
        claimer.save(update_fields=["user"])
    token, _ = Token.objects.get_or_create(user=claimer.user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now())  # within its lifetime
    village = claimer.home_village
    claim_item = menu_items_for_village(village).first()
    stamp = secrets.token_hex(3)
    with transaction.atomic():
        created = Order.objects.bulk_create(
            [
                Order(
                    number=f"B{stamp}{i:07d}",
                    tracking_token=secrets.token_urlsafe(24),
                    status=Order.Status.OPEN,
                    village=village,
                    town_id=village.town_id,
                    menu_item=claim_item,
                    category_id=claim_item.category_id,
                    name="压测",
                    phone="13900000000",
                )
                for i in range(claims)
            ]
        )
        OrderStatusChange.objects.bulk_create(
            [
                OrderStatusChange(order=o, from_status="", to_status=Order.Status.OPEN)
                for o in created
            ]
        )
    del logins
    return {
        "month": month.strftime("%Y-%m"),
        "village": tuanjie.pk,
        "town": tuanjie.town_id,
        "menu_item": item.pk,
        "write_query": (
            f"village={tuanjie.pk}&town={tuanjie.town_id}&item={item.pk}"
            f"&category={item.category_id}"
        ),
        "claim_ids": [o.pk for o in created],
        "token": token.key,
        "cookies": {u: session(u) for u in ("volunteer", "station", "town", "city")},
        "orders": Order.objects.count(),
        "villages": Village.objects.count(),
    }


def cleanup(ctx: dict) -> None:
    """Delete the orders this run created (its POSTs and its claimable batch), so that runs do
    not pile orders up in the lists they measure, and bring those villages' rollups back."""
    from orders.models import Order
    from reports import services
    from reports.models import RollupPending

    bench = Order.objects.filter(name="压测")
    villages = set(bench.values_list("village_id", flat=True).distinct())
    deleted, _ = bench.delete()
    RollupPending.objects.bulk_create([RollupPending(village_id=v) for v in villages])
    services.refresh_pending()
    print(f"removed the run's {deleted} rows (orders and their history); rollups refreshed")


def lua_order_post(village: int, menu_item: int) -> str:
    """POST /api/orders/ with a fresh phone per request (no duplicate, no per-phone limit)."""
    return f"""
local counter = 0
-- Per wrk process: the warm-up and the measured run must not send the same phones (409).
local salt = os.time() % 1000
-- setup() runs in the main Lua state; "tid" becomes a global of each thread's own state.
local started = 0
function setup(thread)
  thread:set("tid", started)
  started = started + 1
end
function request()
  counter = counter + 1
  local phone = string.format("13%d%03d%05d", tid % 10, salt, counter % 100000)
  local body = '{{"village": {village}, "menu_item": {menu_item}, "name": "压测",' ..
               ' "phone": "' .. phone .. '", "people": 1}}'
  return wrk.format("POST", "/api/orders/", {{
    ["Content-Type"] = "application/json",
    ["X-Forwarded-Proto"] = "https",
  }}, body)
end
"""


def lua_post(path: str) -> str:
    """POST ``path`` with no body (the write floor)."""
    return f"""
function request()
  return wrk.format("POST", "{path}", {{["X-Forwarded-Proto"] = "https"}}, "")
end
"""


def lua_claim(ids: list[int], token: str) -> str:
    """POST /api/orders/<id>/claim/, each request a different open order."""
    first, last = ids[0], ids[-1]
    return f"""
local started = 0
function setup(thread)
  thread:set("tid", started)
  started = started + 1
end
function init(args)
  nthreads = {{NTHREADS}}
  next_id = {first} + tid
end
function request()
  local id = next_id
  next_id = next_id + nthreads
  if id > {last} then id = {last} end
  return wrk.format("POST", "/api/orders/" .. id .. "/claim/", {{
    ["Authorization"] = "Token {token}",
    ["X-Forwarded-Proto"] = "https",
  }}, "")
end
"""


def cases(ctx: dict, args: argparse.Namespace) -> list[Case]:
    month, village, town = ctx["month"], ctx["village"], ctx["town"]
    cookie = {u: {"Cookie": f"sessionid={v}"} for u, v in ctx["cookies"].items()}
    return [
        Case("home", "/ home", "/"),
        Case("order_form", "/orders/new/?village=…", f"/orders/new/?village={village}"),
        Case("menu_api", "GET /api/menu-items/?village=…", f"/api/menu-items/?village={village}"),
        Case(
            "calendar_village",
            "/calendar/<month>/?village=…",
            f"/calendar/{month}/?village={village}",
        ),
        Case("calendar_city", "/calendar/<month>/ (city-wide)", f"/calendar/{month}/"),
        Case("calendar_api", "GET /api/calendars/<month>/", f"/api/calendars/{month}/"),
        # As browsers and HTTP libraries ask for it (wrk sends no Accept-Encoding by itself).
        Case(
            "calendar_api_gzip",
            "GET /api/calendars/<month>/ (gzip)",
            f"/api/calendars/{month}/",
            headers={"Accept-Encoding": "gzip"},
        ),
        Case("feed_ics", "/calendar/feed.ics?village=…", f"/calendar/feed.ics?village={village}"),
        Case("month_ics", "/calendar/<month>.ics", f"/calendar/{month}.ics"),
        # The floors: no logged-in page and no write can be faster than these (bench/http_urls.py).
        Case(
            "signed_in_floor",
            "floor: signed in, nothing else",
            "/bench/signed-in/",
            headers=cookie["volunteer"],
        ),
        Case(
            "page_floor",
            "floor: signed in, the site's frame",
            "/bench/page/",
            headers=cookie["town"],
        ),
        Case(
            "page_query_floor",
            "floor: the frame and one query",
            "/bench/page-query/",
            headers=cookie["town"],
        ),
        Case(
            "write_floor",
            "floor: POST writing an order + status row",
            f"/bench/write/?{ctx['write_query']}",
            method="POST",
            lua=lua_post(f"/bench/write/?{ctx['write_query']}"),
            expect=(201,),
        ),
        Case(
            "orders_api_city",
            "GET /api/orders/ as the city",
            "/api/orders/",
            headers=cookie["city"],
        ),
        Case(
            "volunteer_dashboard",
            "/volunteer/ dashboard",
            "/volunteer/",
            headers=cookie["volunteer"],
        ),
        Case(
            "station_orders",
            "/station/orders/ (station head)",
            "/station/orders/",
            headers=cookie["station"],
        ),
        Case(
            "reports_town",
            "/reports/ town (cached)",
            f"/reports/?town={town}",
            headers=cookie["town"],
        ),
        Case("reports_city", "/reports/ city (cached)", "/reports/", headers=cookie["city"]),
        Case(
            "order_post",
            "POST /api/orders/",
            "/api/orders/",
            method="POST",
            lua=lua_order_post(village, ctx["menu_item"]),
            expect=(201,),
        ),
        Case(
            "claim",
            "POST /api/orders/<id>/claim/",
            "/api/orders/<id>/claim/",
            method="POST",
            lua=lua_claim(ctx["claim_ids"], ctx["token"]).replace("{NTHREADS}", str(args.threads)),
        ),
    ]


def fetch(base: str, case: Case) -> tuple[int, int]:
    """One request by hand: the status and the body's size."""
    if case.lua:
        return 0, 0
    request = urllib.request.Request(  # noqa: S310 - our own local server
        base + case.path, headers={"X-Forwarded-Proto": "https", **case.headers}
    )
    try:
        with _NO_REDIRECTS.open(request, timeout=60) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read())


class _Unfollowed(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer, not a way to another one: ``wrk`` counts a 302 as a success, so
    a case whose login had gone (a 302 to the login page) was measured as the redirect."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_Unfollowed)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(base: str, case: Case, args: argparse.Namespace, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if case.lua:
            script.write(case.lua)
        else:
            headers = {"X-Forwarded-Proto": "https", **case.headers}
            lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
            script.write(lines + "\n")
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script.name,
        base + (case.path if not case.lua else "/"),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(*re.search(r"\s50%\s+([\d.]+)(us|ms|s|m)", out).groups())
    p99 = _ms(*re.search(r"\s99%\s+([\d.]+)(us|ms|s|m)", out).groups())
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "requests": total,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        try:
            if fetch(base, Case("empty", "", "/bench/empty/"))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 5 minutes")


def machine() -> str:
    cpus = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{cpus} CPUs, load average {load}"


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    static_root = Path(tempfile.gettempdir()) / "wenming-bench-static"
    os.environ.update(environment(args, static_root))
    ensure_database(args)
    # Enough open orders for 300 claims a second; past the last, claims answer 409.
    ctx = prepare(args, claims=300 * (args.duration + args.warmup))
    base = f"http://127.0.0.1:{args.port}"
    env = environment(args, static_root)
    procs: list[subprocess.Popen] = []
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.worker_threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    procs.append(server)
    if not args.no_worker:
        procs.append(
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
    results: list[dict] = []
    try:
        wait_ready(base, server)
        empty = Case("empty", "/bench/empty/ (baseline)", "/bench/empty/")
        wanted = {c for c in args.only.split(",") if c}
        todo = [c for c in cases(ctx, args) if not wanted or c.name in wanted]
        print(
            f"\n{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {machine()} · "
            f"{ctx['villages']} villages, {ctx['orders']} orders · wrk -t{args.threads} "
            f"-c{args.connections} -d{args.duration}s · gunicorn {args.workers} "
            f"{args.worker_class} workers × {args.worker_threads} threads\n",
            flush=True,
        )
        header = f"{'path':<38} {'req/s':>8} {'empty':>6} {'ratio':>6} {'p50 ms':>8}"
        header += f" {'p99 ms':>8} {'non-2xx':>8} {'bytes':>8}"
        print(header)
        print("-" * len(header))
        run_wrk(base, empty, args, args.warmup)
        for case in [empty, *todo]:
            try:
                status, size = fetch(base, case)
            except OSError as exc:  # a timeout on an overloaded machine: say so, go on
                print(f"{case.label:<38} no answer ({exc}): skipped", flush=True)
                continue
            if not case.lua and status not in case.expect:
                print(f"{case.label:<38} answered {status}: skipped", flush=True)
                continue
            # The empty view right before each path: on a shared machine the load moves during
            # a run, and the ratio compares the two under the same load.
            baseline = None if case is empty else run_wrk(base, empty, args, args.duration)["rps"]
            run_wrk(base, case, args, args.warmup)  # warm the workers' caches and connections
            figures = run_wrk(base, case, args, args.duration)
            baseline = baseline or figures["rps"]
            ratio = figures["rps"] / baseline if baseline else 0.0
            results.append(
                {
                    "name": case.name,
                    "label": case.label,
                    "bytes": size,
                    "empty_rps": baseline,
                    "ratio": ratio,
                    **figures,
                }
            )
            print(
                f"{case.label:<38} {figures['rps']:>8.0f} {baseline:>6.0f} {ratio:>6.0%} "
                f"{figures['p50_ms']:>8.1f} {figures['p99_ms']:>8.1f} {figures['non_2xx']:>8} "
                f"{size:>8}",
                flush=True,
            )
        print(f"\nafter the run: {machine()}")
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    cleanup(ctx)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": results}, indent=1))


if __name__ == "__main__":
    main()

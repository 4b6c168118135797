"""Time the report pages at Tengzhou scale on the configured database (issue 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wm_reports_bench \
        uv run python bench/reports.py [--scale 1] [--runs 30] [--reseed] [--keep-rollups]

Seeds ``seed_demo --scale N`` (unless already seeded), and when the seed has no orders or events
yet, generates 12 months of them here (bulk, deterministic). Then rebuilds the rollups and times,
through the full Django stack (middleware, view, template) with DEBUG off, the city and town
coverage pages and the other reports; and, for comparison, the raw SQL aggregation of the same
coverage figures straight over the base tables (orders and events). Prints medians and the
ratio. Targets: city coverage ≤ 50 ms, a town ≤ 20 ms. "cache cold" runs replace the report cache's
generation token before each request, as a rollup refresh does, so they time the full path.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

# Not this folder: its http.py (bench/http.py) would shadow the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Time what production runs: DEBUG off (no query log, no debug context).
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
# The test client speaks plain HTTP; production's TLS redirect would answer every page with 301.
os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")
# Production serves hashed static files: collect them once into a scratch folder.
os.environ.setdefault("DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "wenming-static"))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from core.months import add_months, bounds, label, last_full_month  # noqa: E402
from events.models import Event, EventVolunteer, MonthlyPlan  # noqa: E402
from orders.models import MenuItem, Order  # noqa: E402
from reports import cache as report_cache  # noqa: E402
from reports import services  # noqa: E402
from reports.models import VillageMonthCategory  # noqa: E402
from stations.models import City, Position, Role, Town, Village  # noqa: E402
from volunteers.models import Team, Volunteer  # noqa: E402


def generate(months: list[dt.date], rng: random.Random) -> None:
    """Orders and events for every village over ``months``, written in bulk."""
    items = list(MenuItem.objects.filter(is_active=True).values("id", "category_id", "platform_id"))
    villages = list(Village.objects.values("id", "town_id"))
    teams: dict[int, list[int]] = {}
    for team_id, village_id in Team.objects.filter(village__isnull=False).values_list(
        "id", "village_id"
    ):
        teams.setdefault(village_id, []).append(team_id)
    any_team = Team.objects.values_list("id", flat=True).first()
    vols: dict[int, list[int]] = {}
    for vid, village_id in Volunteer.objects.values_list("id", "home_village_id"):
        vols.setdefault(village_id, []).append(vid)
    stations = dict(Position.objects.filter(level="station").values_list("village_id", "id"))
    field = Order._meta.get_field("created_at")
    field.auto_now_add = False  # the bench writes historic submission times
    orders, events, plans = [], [], []
    S = Order.Status
    statuses = (
        [S.RATED] * 45
        + [S.COMPLETED] * 25
        + [S.CANCELLED] * 8
        + [S.REJECTED] * 5
        + [S.ACCEPTED] * 7
        + [S.OPEN] * 10
    )
    n = 0
    for month in months:
        start, end = bounds(month)
        span = (end - start).total_seconds()
        for v in villages:
            team_id = (teams.get(v["id"]) or [any_team])[0]
            if rng.random() < 0.8 and v["id"] in stations:
                plans.append(
                    MonthlyPlan(
                        position_id=stations[v["id"]],
                        month=month,
                        status="submitted",
                        submitted_at=start,
                    )
                )
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 4])):
                n += 1
                item = rng.choice(items)
                status = rng.choice(statuses)
                created = start + dt.timedelta(seconds=rng.random() * span * 0.7)
                accepted = created + dt.timedelta(hours=rng.uniform(0.5, 72))
                completed = accepted + dt.timedelta(hours=rng.uniform(2, 200))
                owned = status in Order.OWNED
                done = status in Order.SERVED
                orders.append(
                    Order(
                        number=f"B{n:09d}",
                        tracking_token=uuid.uuid4().hex,
                        status=status,
                        village_id=v["id"],
                        town_id=v["town_id"],
                        menu_item_id=item["id"],
                        category_id=item["category_id"],
                        name="李大娘",
                        phone="13812341234",
                        accepted_team_id=team_id if owned else None,
                        created_at=created,
                        opened_at=created,
                        accepted_at=accepted if owned else None,
                        completed_at=completed if done else None,
                        rated_at=completed + dt.timedelta(hours=3) if status == S.RATED else None,
                        stars=rng.choice([3, 4, 4, 5, 5, 5]) if status == S.RATED else None,
                        hours=Decimal(rng.randint(1, 8)) / 2 if done else None,
                        closed_at=created + dt.timedelta(hours=6)
                        if status in Order.CLOSED
                        else None,
                    )
                )
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
                begin = start + dt.timedelta(seconds=rng.random() * span * 0.95)
                item = rng.choice(items)
                events.append(
                    Event(
                        title="文明实践活动",
                        category_id=item["category_id"],
                        village_id=v["id"],
                        town_id=v["town_id"],
                        start=begin,
                        end=begin + dt.timedelta(hours=rng.choice([2, 3, 26])),
                        state=rng.choice(["done"] * 8 + ["cancelled", "published"]),
                        attendance=rng.randint(5, 80),
                        organiser_team_id=team_id,
                    )
                )
    with transaction.atomic():
        MonthlyPlan.objects.bulk_create(plans, batch_size=5000, ignore_conflicts=True)
        Order.objects.bulk_create(orders, batch_size=5000)
        Event.objects.bulk_create(events, batch_size=5000)
        links = []
        for e in Event.objects.filter(state="done").values("id", "village_id"):
            for vid in rng.sample(
                vols.get(e["village_id"], []), min(3, len(vols.get(e["village_id"], [])))
            ):
                links.append(
                    EventVolunteer(
                        event_id=e["id"], volunteer_id=vid, hours=Decimal("2.0"), confirmed=True
                    )
                )
        EventVolunteer.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
    field.auto_now_add = True
    print(f"generated {len(orders)} orders, {len(events)} events, {len(plans)} plans")


RAW_SQL = """
WITH served AS (
    SELECT village_id, town_id,
           date_trunc('month', completed_at AT TIME ZONE 'Asia/Shanghai') AS m, category_id
      FROM orders_order
     WHERE status IN ('completed', 'rated') AND completed_at >= %(lo)s AND completed_at < %(hi)s
    UNION ALL
    SELECT village_id, town_id,
           date_trunc('month', "end" AT TIME ZONE 'Asia/Shanghai') AS m, category_id
      FROM events_event
     WHERE state = 'done' AND village_id IS NOT NULL AND "end" >= %(lo)s AND "end" < %(hi)s
)
SELECT town_id, m, count(DISTINCT village_id) FROM served {where} GROUP BY town_id, m
"""
RAW_SQL_CATEGORY = """
SELECT town_id, category_id, count(DISTINCT village_id) FROM (
    SELECT village_id, town_id, category_id FROM orders_order
     WHERE status IN ('completed', 'rated') AND completed_at >= %(mlo)s AND completed_at < %(hi)s
    UNION ALL
    SELECT village_id, town_id, category_id FROM events_event
     WHERE state = 'done' AND village_id IS NOT NULL AND "end" >= %(mlo)s AND "end" < %(hi)s
) s {where} GROUP BY town_id, category_id
"""


def raw_sql(month: dt.date, town_id: int | None) -> None:
    """The same coverage figures (12-month served villages per town, the month by category)
    aggregated straight from the base tables."""
    lo, hi = bounds(add_months(month, -11), month)
    mlo, _ = bounds(month)
    where = "WHERE town_id = %(town)s" if town_id else ""
    with connection.cursor() as cursor:
        params = {"lo": lo, "hi": hi, "mlo": mlo, "town": town_id}
        cursor.execute(RAW_SQL.format(where=where), params)
        cursor.fetchall()
        cursor.execute(RAW_SQL_CATEGORY.format(where=where), params)
        cursor.fetchall()


def timed(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU milliseconds of this process per call."""
    fn()  # warm up (connection, template cache)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def calibration_seconds() -> float:
    """A fixed pure-Python loop: how fast this machine runs Python right now (shared virtual
    CPUs vary through the day), so that runs on different days can be compared."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--keep-rollups",
        action="store_true",
        help="skip the rebuild (seed_demo's last step has just built them; minutes at scale 10)",
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.reseed or not Village.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", scale=args.scale, reset=True, verbosity=0)
        print(f"seed_demo --scale {args.scale}: {time.perf_counter() - started:.1f} s")
    month = last_full_month()
    months = [add_months(month, -i) for i in range(11, -1, -1)]
    if not Order.objects.filter(completed_at__isnull=False).exists():
        generate(months, random.Random(2021))

    started = time.perf_counter()
    if args.keep_rollups:
        result = {"rows": VillageMonthCategory.objects.count()}
    else:
        result = services.rebuild()
    rebuild_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # Production's autovacuum clears the dead rows a rebuild leaves; time that steady state.
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE reports_villagemonthcategory, reports_townmonth, reports_orderfact"
            )

    city = City.objects.get()
    user_model = get_user_model()
    admin, _ = user_model.objects.get_or_create(username="bench-city")
    Role.objects.get_or_create(user=admin, kind=Role.Kind.CITY_ADMIN, city=city)
    town = Town.objects.get(name="洪绪镇")
    town_admin, _ = user_model.objects.get_or_create(username="bench-hongxu")
    Role.objects.get_or_create(user=town_admin, kind=Role.Kind.TOWN_ADMIN, city=city, town=town)
    city_client, town_client = Client(), Client()
    city_client.force_login(admin)
    town_client.force_login(town_admin)

    m = {"month": label(month)}
    year = {"from": label(months[0]), "to": label(month)}

    def page(client, name, params):
        def run():
            response = client.get(reverse(name), params)
            assert response.status_code == 200, response.status_code

        return run

    counts = {
        "villages": Village.objects.count(),
        "orders": Order.objects.count(),
        "events": Event.objects.count(),
        "rollup rows": result["rows"],
    }
    print(
        f"{connection.vendor} scale={args.scale} month={label(month)} "
        + ", ".join(f"{k}={v}" for k, v in counts.items())
    )
    if not args.keep_rollups:
        print(f"rebuild_rollups (all months): {rebuild_s * 1000:.0f} ms")

    def cold(fn):
        def run():
            report_cache.bump()  # what the first view after a rebuild or a place edit pays
            fn()

        return run

    other_town = Town.objects.exclude(pk=town.pk).order_by("pk").first()

    def after_service_elsewhere(fn):
        def run():
            # A transition in another town: its rows and the city total change, not this town.
            report_cache.bump(town_ids=[other_town.pk])
            fn()

        return run

    city_page = page(city_client, "reports:coverage", m)
    town_page = page(town_client, "reports:coverage", m)
    rows = [
        ("city coverage page", city_page, 50),
        ("town coverage page (洪绪镇, town admin)", town_page, 20),
        ("city coverage page, cache cold", cold(city_page), 50),
        ("town coverage page, cache cold", cold(town_page), 20),
        ("town page, after a service in another town", after_service_elsewhere(town_page), 20),
        ("city page, after a service in any town", after_service_elsewhere(city_page), 50),
        ("city five standards page", page(city_client, "reports:standards", m), None),
        (
            "city five standards page, cache cold",
            cold(page(city_client, "reports:standards", m)),
            None,
        ),
        ("city orders page (12 months)", page(city_client, "reports:orders", year), None),
        (
            "city orders page (12 months), cache cold",
            cold(page(city_client, "reports:orders", year)),
            None,
        ),
        ("city volunteers page (12 months)", page(city_client, "reports:volunteers", year), None),
        ("API coverage (city)", page(city_client, "reports-api:coverage", m), None),
    ]
    results = {}
    print(f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"calibration: a 10-million-step Python loop takes {calibration_seconds():.2f} s")
    print(f"{'':45s} {'wall':>8s}    {'CPU (Django process)':>10s}")
    for name, fn, target in rows:
        ms, cpu = timed(fn, args.runs)
        results[name] = ms
        verdict = "" if target is None else (" ✓" if ms <= target else f" ✗ (target {target} ms)")
        print(f"{name:45s} {ms:8.1f} ms {cpu:8.1f} ms{verdict}")
    if connection.vendor == "postgresql":
        raw_city = timed(lambda: raw_sql(month, None), args.runs)[0]
        raw_town = timed(lambda: raw_sql(month, town.pk), args.runs)[0]
        print(f"{'raw SQL over base tables, city':45s} {raw_city:8.1f} ms")
        print(f"{'raw SQL over base tables, town':45s} {raw_town:8.1f} ms")
        print(
            f"ratio page/raw SQL: city {results['city coverage page'] / raw_city:.2f}, town "
            f"{results['town coverage page (洪绪镇, town admin)'] / raw_town:.2f}"
        )


if __name__ == "__main__":
    main()

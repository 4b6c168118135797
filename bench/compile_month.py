"""Time compiling one month's calendar on the configured database (seed first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wm_bench uv run manage.py seed_demo --reset
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wm_bench \\
        uv run python bench/compile_month.py [YYYY-MM] [--profile]

Reports two numbers for the month (default: the current month):
- "full": a compile that publishes a new version (gather, render JSON and ICS, insert), measured
  inside a transaction that is rolled back, so the database is unchanged afterwards;
- "unchanged": a re-compile with nothing changed (gather and hash only, no new version), which
  is what the nightly beat entry costs.
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

# Not this folder: its http.py (bench/http.py) would shadow the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from core.months import current_month, parse_month  # noqa: E402
from events.calendar import calendar_compile  # noqa: E402
from events.models import PublishedCalendar  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    profile = "--profile" in sys.argv
    month = parse_month(args[0]) if args else current_month()
    if month is None:
        sys.exit("month must be YYYY-MM")
    calendar_compile(month=month)  # make sure a version exists (and warm up)
    timings = []
    for _ in range(3):
        try:
            with transaction.atomic():
                PublishedCalendar.objects.filter(month=month).delete()
                profiler = cProfile.Profile() if profile else None
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                result = calendar_compile(month=month)
                if profiler:
                    profiler.disable()
                timings.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
    if profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    started = time.perf_counter()
    again = calendar_compile(month=month)
    unchanged = time.perf_counter() - started
    assert not again.created
    print(
        f"{connection.vendor} {month:%Y-%m}: {result.calendar.event_count} events; "
        f"full compile best of 3 {min(timings):.2f} s; unchanged re-compile {unchanged:.2f} s"
    )


if __name__ == "__main__":
    main()

"""Time ``seed_demo --reset`` at a given scale on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wm_bench \
        uv run python bench/seed_demo.py [scale]

Migrates first; prints the seconds for each step as it ends (run with ``python -u`` into a
log: a run stopped half-way still says how far it got) and the total; the progress bars go to
stderr. The target (issue 2): scale 1 in under a minute on PostgreSQL.
"""

import os
import sys
import time
from pathlib import Path

# Not this folder: its http.py (bench/http.py) would shadow the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def main() -> None:
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, reset=True, verbosity=1, stdout=sys.stdout)
    elapsed = time.perf_counter() - started
    print(f"{connection.vendor} scale={scale}: seed_demo --reset took {elapsed:.1f} s")


if __name__ == "__main__":
    main()

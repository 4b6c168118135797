"""The demo-data framework behind ``manage.py seed_demo``.

Each app owns the demo data of its models in a step: a function ``seed(ctx: SeedContext) -> None``
named by dotted path in ``STEPS``. Steps run in order, in one transaction, and use only
``ctx.rng`` for randomness and ``ctx.now`` for the time, so that the same ``--seed`` gives the same
data. Steps write with ``bulk_create`` (signals do not fire; steps set denormalised fields such as
``Volunteer.town`` themselves).

To add a step, append one line to ``STEPS`` in dependency order (an explicit list: a missing
module is an error, not something to skip silently).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from tqdm import tqdm

from core import generations
from stations import demo_names
from volunteers.demo_hours import DEMO_ORGANISER

T = TypeVar("T")

STEPS: list[tuple[str, str]] = [
    ("places", "stations.demo.seed"),
    ("teams", "volunteers.demo.seed"),
    ("menu", "orders.demo.seed_menu"),
    ("orders", "orders.demo_history.seed_orders"),
    ("events", "events.demo.seed_events"),
    ("applications", "joining.demo.seed"),
    ("wishes", "wishes.demo.seed"),
    ("hours", "events.demo_hours.seed_hours"),
    ("points", "volunteers.demo_hours.seed_points"),
    # Keep last: the report rollups summarise what every step above wrote.
    ("rollups", "reports.demo.rebuild"),
]

# Apps whose rows are demo/domain data, in dependency order (each depends only on those before).
DOMAIN_APPS = (
    "stations",
    "volunteers",
    "orders",
    "events",
    "wishes",
    "kiosk",
    "reports",
    "portal",
    "open311",
)


@dataclass
class SeedContext:
    rng: random.Random  # seeded from --seed; every step uses only this
    scale: int
    now: datetime  # aware, taken once at the start
    stdout: Any  # the command's self.stdout
    quiet: bool = False  # no progress bars (tests, --verbosity 0)
    timings: dict[str, float] = field(default_factory=dict)

    def progress(self, iterable: Iterable[T], total: int, desc: str) -> Iterator[T]:
        """Wrap a loop in a progress bar on stderr (stdout stays clean for the summary)."""
        return iter(
            tqdm(
                iterable,
                total=total,
                desc=desc,
                file=sys.stderr,
                disable=self.quiet,
                leave=False,
                unit="",
                dynamic_ncols=True,
            )
        )

    def person_name(self) -> str:
        return demo_names.person_name(self.rng)

    def mobile(self) -> str:
        return demo_names.mobile(self.rng)


def run_steps(ctx: SeedContext, steps: list[tuple[str, str]] | None = None) -> None:
    """Run every step in order; the caller holds the transaction."""
    import time

    for label, dotted in steps if steps is not None else STEPS:
        step = import_string(dotted)
        started = time.perf_counter()
        step(ctx)
        ctx.timings[label] = time.perf_counter() - started
        ctx.stdout.write(f"  {label}: {ctx.timings[label]:.1f}s")


def is_seeded() -> bool:
    from stations.models import City

    return City.objects.exists()


def domain_models_delete_order() -> list[type]:
    """Every model of the domain apps, ordered so that a row is deleted before what it points to.

    A topological sort over foreign keys (including auto-created M2M tables), so that a model
    added by a later app is covered without editing a list here. Cycles (a team's captain is a
    volunteer, a team's parent is a team) are fine: the whole reset runs in one transaction and
    Django creates foreign keys as DEFERRABLE INITIALLY DEFERRED on PostgreSQL and SQLite.
    """
    models = [
        model
        for label in DOMAIN_APPS
        if label in apps.app_configs
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    in_set = set(models)
    # depends[m]: the models m points to.
    depends = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if f.is_relation and f.related_model in in_set and f.related_model is not m
        }
        for m in models
    }
    ordered: list[type] = []
    seen: set[type] = set()

    def visit(model: type, path: frozenset) -> None:
        if model in seen or model in path:
            return
        for target in sorted(depends[model], key=lambda m: m._meta.label):
            visit(target, path | {model})
        seen.add(model)
        ordered.append(model)

    for model in models:
        visit(model, frozenset())
    return list(reversed(ordered))  # referrers first


def delete_domain_data(stdout=None) -> None:
    """Delete all domain rows (places, teams, menu, orders, events, report rollups).

    One ``DELETE FROM`` per table rather than ``QuerySet.delete()``: the collector would load
    every order and volunteer into memory to emulate ``SET_NULL``, and everything goes anyway.
    Logins stay (all but the demo organiser); their roles and volunteer links go with the domain
    rows.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The points ledger is append-only (a trigger); a reset may purge it, in this
            # transaction only.
            cursor.execute("SELECT set_config('wenming.ledger_purge', 'on', true)")
        for model in domain_models_delete_order():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table name from the model registry
            if stdout is not None and cursor.rowcount:
                stdout.write(
                    "  "
                    + _("已删除 %(count)s 行：%(model)s")
                    % {"count": cursor.rowcount, "model": model._meta.label}
                )
    # The login the demo's hours, certificates and redemptions were recorded under goes with
    # them (``volunteers.demo_hours.demo_organiser``; it can never sign in). Real logins stay.
    get_user_model().objects.filter(username=DEMO_ORGANISER).delete()
    # Raw deletes send no signals: retire what public answers were kept from the old rows.
    generations.bump(generations.MENU, generations.CALENDAR, generations.ROLES)

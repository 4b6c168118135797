"""``manage.py probe [check …]``: the /readyz checks from the command line, for container health
checks of processes that serve no HTTP (beat, worker) and for scripts. Exit status 0 when every
named check is ``ok`` or ``skipped``, 1 otherwise; one JSON line on stdout either way.

    python manage.py probe beat          # compose: the beat container's health check
    python manage.py probe               # everything /readyz checks
"""

import json

from django.core.management.base import BaseCommand, CommandError

from config.health import CHECKS, OK, SKIPPED, run_checks


class Command(BaseCommand):
    help = "Run the /readyz checks (all, or the named ones); exit 1 when one is down."

    def add_arguments(self, parser):
        parser.add_argument("checks", nargs="*", metavar="check", help=", ".join(CHECKS))

    def handle(self, *args, checks=(), **options):
        unknown = set(checks) - set(CHECKS)
        if unknown:
            raise CommandError(f"unknown check(s): {', '.join(sorted(unknown))}")
        results = run_checks(only=checks or None)
        self.stdout.write(json.dumps(results))
        if any(r["state"] not in (OK, SKIPPED) for r in results.values()):
            raise CommandError("not ready", returncode=1)

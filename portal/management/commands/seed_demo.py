"""``manage.py seed_demo``: Tengzhou-shaped demo data, deterministic for a given ``--seed``."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import seeding


class Command(BaseCommand):
    help = (
        "Seed deterministic demo data shaped like Tengzhou: 21 towns, 1,224 villages × scale, "
        "a station in every village, teams, volunteers and the practice menu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Villages per town × N (default 1: 1,224)."
        )
        parser.add_argument("--seed", type=int, default=2021, help="Random seed (default 2021).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete all domain data (places, teams, menu, orders, events) first.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even in production mode (DJANGO_DEBUG=0), e.g. a demo server.",
        )

    def handle(
        self, *args, scale: int, seed: int, reset: bool, force: bool, verbosity: int, **options
    ):
        # A production database holds real residents; made-up ones (and --reset) do not belong
        # there unless the operator says so.
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "生产模式（DJANGO_DEBUG=0）下不生成演示数据，未做任何改动；确是演示服务器请加 "
                    "--force。 (Refused in production mode: nothing was changed; add --force for a"
                    " demo server.)"
                )
            )
        if scale < 1:
            raise CommandError(_("--scale 必须是正整数。"))
        if seeding.is_seeded() and not reset:
            raise CommandError(
                _(
                    "数据库中已有数据，未做任何改动。如要清空全部业务数据后重新生成，请加 --reset。"
                    " (The database already holds data; nothing was changed. Use --reset to delete"
                    " all domain data and seed again.)"
                )
            )
        ctx = seeding.SeedContext(
            rng=random.Random(seed),
            scale=scale,
            now=timezone.now(),
            stdout=self.stdout,
            quiet=verbosity < 1,
        )
        started = time.perf_counter()
        # One transaction: an interrupted run leaves the database as it was.
        with transaction.atomic():
            if reset:
                seeding.delete_domain_data(self.stdout if verbosity > 1 else None)
            seeding.run_steps(ctx)
        self.stdout.write(
            self.style.SUCCESS(
                _("演示数据已生成（scale=%(scale)s, seed=%(seed)s），用时 %(seconds).1f 秒。")
                % {"scale": scale, "seed": seed, "seconds": time.perf_counter() - started}
            )
        )

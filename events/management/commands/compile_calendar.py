"""manage.py compile_calendar YYYY-MM: compile one month's calendar now, with a progress bar."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from events.months import parse_month
from events.services import calendar_compile


class Command(BaseCommand):
    help = "Compile and publish the city's calendar for one month (YYYY-MM)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM, e.g. 2026-12")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, month: str, no_progress: bool = False, **options):
        first = parse_month(month)
        if first is None:
            raise CommandError(f"月份格式应为 YYYY-MM，例如 2026-12（收到 {month!r}）。")
        bar = tqdm(desc=f"{month}", unit="event", disable=no_progress, file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            result = calendar_compile(month=first, progress=progress)
        finally:
            bar.close()
        cal = result.calendar
        verb = "published" if result.created else "unchanged"
        self.stdout.write(
            f"{month}: {verb} version {cal.version}, {cal.event_count} events, "
            f"hash {cal.content_hash[:12]}"
        )

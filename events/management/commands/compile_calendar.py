"""manage.py compile_calendar YYYY-MM: compile one month's calendar now, with a progress bar."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from core.months import parse_month
from events.calendar import calendar_compile


class Command(BaseCommand):
    help = "Compile and publish the city's calendar for one month (YYYY-MM)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM, e.g. 2026-12")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, month: str, no_progress: bool = False, **options):
        first = parse_month(month)
        if first is None:
            raise CommandError(
                _("月份格式应为 YYYY-MM，例如 2026-12（收到 %(month)s）。") % {"month": repr(month)}
            )
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
        n = cal.event_count
        if result.created:
            summary = ngettext(
                "%(month)s：已发布第 %(version)s 版，%(count)s 项活动，哈希 %(hash)s",
                "%(month)s：已发布第 %(version)s 版，%(count)s 项活动，哈希 %(hash)s",
                n,
            )
        else:
            summary = ngettext(
                "%(month)s：无变化，仍为第 %(version)s 版，%(count)s 项活动，哈希 %(hash)s",
                "%(month)s：无变化，仍为第 %(version)s 版，%(count)s 项活动，哈希 %(hash)s",
                n,
            )
        self.stdout.write(
            summary
            % {
                "month": month,
                "version": cal.version,
                "count": n,
                "hash": cal.content_hash[:12],
            }
        )

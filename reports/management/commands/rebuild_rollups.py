from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.months import label, parse_month_param
from reports import services


class Command(BaseCommand):
    help = "Rebuild the report rollups from the base tables (all months, or --month YYYY-MM)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="only this month, YYYY-MM (Asia/Shanghai)")

    def handle(self, *args, month=None, **options):
        try:
            parsed = parse_month_param(month)
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from exc
        result = services.rebuild(month=parsed)
        scope = label(parsed) if parsed else _("全部月份")
        self.stdout.write(
            self.style.SUCCESS(
                _("已重建%(scope)s：汇总 %(rows)s 行，点单事实 %(facts)s 条。")
                % {"scope": scope, "rows": result["rows"], "facts": result["facts"]}
            )
        )

"""Seeding step (last in portal.seeding.STEPS): the demo data is written with ``bulk_create``,
so no workflow signal fired; build the report rollups from scratch so the reports show it."""

from django.utils.translation import gettext as _

from reports import services


def rebuild(ctx) -> None:
    result = services.rebuild()
    if not getattr(ctx, "quiet", True):
        ctx.stdout.write(
            "  "
            + _("报表汇总：%(rows)s 行，点单事实 %(facts)s 条")
            % {"rows": result["rows"], "facts": result["facts"]}
        )

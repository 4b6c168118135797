"""Seeding step: after the demo data is generated, build the rollups so the reports show it."""

from reports import services


def rebuild(ctx=None, *args, **kwargs) -> None:
    result = services.rebuild()
    log = getattr(ctx, "log", None)
    if callable(log):
        log(f"rollups: {result['rows']} rows, {result['facts']} order facts")

"""Celery tasks for the rollups: thin wrappers around reports.services (idempotent).

A task imports its service inside its body (services import tasks at the top), so the two
never form an import cycle.
"""

from celery import shared_task

from core.months import add_months, current_month, parse_month_param


# No stored results: these run after every batch of changes and every minute from beat, and
# nothing reads their results (each run logs its summary), which left a result key per run in
# Redis for a day (3,700 after one session's benches).
@shared_task(name="reports.refresh_pending", ignore_result=True)
def refresh_pending() -> dict:
    """Recompute the rollups of every village marked stale (after each change, and every
    minute from beat for whatever a broker outage or a failure left). Idempotent; two at
    once serialise per village."""
    from core.queueing import coalesced_started
    from reports import services

    coalesced_started(refresh_pending)
    return services.refresh_pending()


# Kept for messages already queued by an earlier release; nothing queues these now.
@shared_task(name="reports.refresh_order", ignore_result=True)
def refresh_order(order_id: int) -> None:
    from reports import services

    services.refresh_order(order_id=order_id)


@shared_task(name="reports.refresh_event", ignore_result=True)
def refresh_event(event_id: int, village_id: int | None = None) -> None:
    from reports import services

    services.refresh_event(event_id=event_id, village_id=village_id)


@shared_task(name="reports.rebuild_rollups")
def rebuild_rollups(month: str | None = None) -> dict:
    """Rebuild one month (YYYY-MM) or, with no month, everything."""
    from reports import services

    return services.rebuild(month=parse_month_param(month))


@shared_task(name="reports.rebuild_recent")
def rebuild_recent() -> None:
    """Nightly: rebuild this month and last month, healing any refresh a crash lost."""
    from reports import services

    this = current_month()
    for month in (add_months(this, -1), this):
        services.rebuild(month=month)

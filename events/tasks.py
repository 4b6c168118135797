"""Celery tasks for events: thin wrappers that take plain values and call a service.

Services import these tasks at the top; a task imports its service inside its body, so the two
never form an import cycle.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from core.months import add_months, current_month

# Backoff between webhook attempts, in seconds: 1 min, 5 min, 30 min, 2 h, 6 h.
WEBHOOK_BACKOFF = [60, 300, 1800, 7200, 21600]


@shared_task(name="events.tasks.compile_month")
def compile_month(year: int, month: int) -> dict:
    """Compile one month's calendar; returns what was published (safe to run any number of
    times: an unchanged month creates no version)."""
    from events.calendar import calendar_compile

    return _summary(calendar_compile(month=dt.date(int(year), int(month), 1)))


@shared_task(name="events.tasks.compile_next_month")
def compile_next_month() -> dict:
    """Beat, on settings.WENMING_CALENDAR_COMPILE_DAY at 08:00: publish next month's calendar."""
    nxt = add_months(current_month(), 1)
    return compile_month(nxt.year, nxt.month)


def _summary(result) -> dict:
    return {
        "month": f"{result.calendar.month:%Y-%m}",
        "version": result.calendar.version,
        "content_hash": result.calendar.content_hash,
        "event_count": result.calendar.event_count,
        "created": result.created,
    }


@shared_task(name="events.tasks.compile_current_month")
def compile_current_month() -> dict:
    """Beat, nightly: re-compile the current month so that changes appear, and every other
    month the feed serves that is already published (``refreshed``), so none stays stale."""
    from events.calendar import calendar_compile_served

    cur = current_month()
    results = calendar_compile_served(current=cur)
    [summary] = [_summary(r) for r in results if r.calendar.month == cur]
    summary["refreshed"] = [_summary(r) for r in results if r.calendar.month != cur]
    return summary


@shared_task(bind=True, name="events.tasks.deliver_webhook", max_retries=len(WEBHOOK_BACKOFF))
def deliver_webhook(self, delivery_id: int) -> bool:
    from events.webhooks import webhook_deliver

    final = self.request.retries >= self.max_retries
    ok = webhook_deliver(delivery_id=delivery_id, final=final)
    if not ok and not final:
        raise self.retry(countdown=WEBHOOK_BACKOFF[self.request.retries])
    return ok


@shared_task(name="events.tasks.remind_plans")
def remind_plans() -> int:
    """Beat, daily: 3 days before WENMING_PLAN_DUE_DAY, remind stations without a plan."""
    from events import plans

    return plans.plan_remind_if_due()


@shared_task(name="events.tasks.remind_events")
def remind_events() -> int:
    """Beat, daily at 18:00: remind the volunteers of tomorrow's events."""
    from events import reminders

    return reminders.event_remind_day_before()

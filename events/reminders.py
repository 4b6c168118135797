"""The day before an event, its volunteers are reminded (inbox + SMS by default), and so are
the residents who subscribed, by phone, to the events of its village's station (SMS with an
unsubscribe link; ``notifications.subscriptions``) when the event is published.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventVolunteer
from notifications.kinds import Kind
from notifications.services import notify, notify_phones
from notifications.subscriptions import subscribers

S = Event.State


def event_remind_day_before(*, now: dt.datetime | None = None) -> int:
    """Remind the volunteers of tomorrow's planned and published events, and the subscribed
    residents of tomorrow's published ones (beat, daily 18:00).

    Once per event and person: the cause is ``event:<id>:day_before``. Returns how many events
    had someone to remind.
    """
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    events = list(
        Event.objects.filter(
            state__in=[S.PLANNED, S.PUBLISHED],
            start__gte=start,
            start__lt=start + dt.timedelta(days=1),
        ).select_related("venue_position", "village")
    )
    users: dict[int, set[int]] = {e.pk: set() for e in events}
    for event_id, user_id in EventVolunteer.objects.filter(
        event_id__in=users, volunteer__is_active=True, volunteer__user__isnull=False
    ).values_list("event_id", "volunteer__user_id"):
        users[event_id].add(user_id)
    residents: dict[int, list[tuple[str, str]]] = {}
    published = {e.village_id for e in events if e.state == S.PUBLISHED and e.village_id}
    for village_id, phone, token in subscribers(published).values_list(
        "village_id", "phone", "token"
    ):
        residents.setdefault(village_id, []).append((phone, token))
    reminded = 0
    with transaction.atomic():
        for event in events:
            people = residents.get(event.village_id, []) if event.state == S.PUBLISHED else []
            if not users[event.pk] and not people:
                continue
            place = event.venue_address or (
                event.venue_position.name if event.venue_position_id else ""
            )
            payload = {
                "title": event.title,
                "start": timezone.localtime(event.start).strftime("%Y-%m-%d %H:%M"),
                "place": place or (event.village.name if event.village_id else ""),
                "url": reverse("events:event_detail", args=[event.pk]),
            }
            cause = f"event:{event.pk}:day_before"
            notify(cause=cause, kind=Kind.EVENT_REMINDER, payload=payload, users=users[event.pk])
            # Each message carries its own unsubscribe link.
            notify_phones(
                cause=cause,
                kind=Kind.EVENT_NOTICE,
                messages=[
                    (phone, {**payload, "unsubscribe": reverse("events:reminders_off", args=[t])})
                    for phone, t in people
                ],
            )
            reminded += 1
    return reminded

"""The day before an event, its volunteers are reminded (inbox + SMS by default).

Residents are not reminded yet: there is no subscription of a resident to a station to read.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventVolunteer
from notifications.kinds import Kind
from notifications.services import notify

S = Event.State


def event_remind_day_before(*, now: dt.datetime | None = None) -> int:
    """Remind the volunteers of tomorrow's planned and published events (beat, daily 18:00).

    Once per event: the cause is ``event:<id>:day_before``. Returns how many events had
    volunteers to remind.
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
    reminded = 0
    with transaction.atomic():
        for event in events:
            if not users[event.pk]:
                continue
            place = event.venue_address or (
                event.venue_position.name if event.venue_position_id else ""
            )
            notify(
                cause=f"event:{event.pk}:day_before",
                kind=Kind.EVENT_REMINDER,
                payload={
                    "title": event.title,
                    "start": timezone.localtime(event.start).strftime("%Y-%m-%d %H:%M"),
                    "place": place or (event.village.name if event.village_id else ""),
                    "url": reverse("events:event_detail", args=[event.pk]),
                },
                users=users[event.pk],
            )
            reminded += 1
    return reminded

"""The events app's models, one module per concern: activities (``event``), the stations'
monthly plans (``plans``) and the published monthly calendar (``calendar``). Every model is
imported here, so ``from events.models import X`` works and Django finds them all."""

from events.models.calendar import PublishedCalendar, WebhookDelivery
from events.models.event import (
    DESCRIPTION_MAX,
    MAX_COUNT,
    REASON_MAX,
    CheckIn,
    Event,
    EventPhoto,
    EventStateChange,
    EventVolunteer,
)
from events.models.plans import NOTE_MAX, MonthlyPlan

__all__ = [
    "DESCRIPTION_MAX",
    "MAX_COUNT",
    "NOTE_MAX",
    "REASON_MAX",
    "CheckIn",
    "Event",
    "EventPhoto",
    "EventStateChange",
    "EventVolunteer",
    "MonthlyPlan",
    "PublishedCalendar",
    "WebhookDelivery",
]

"""Factories for the events app."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from events.models import Event
from tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")


class EventFactory(factory.django.DjangoModelFactory):
    """An event in a village, in the draft state (use the services to move it on)."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"文明宣讲活动{n}")
    category = factory.SubFactory(f.ServiceCategoryFactory)
    village = factory.SubFactory(f.VillageFactory)
    town = factory.SelfAttribute("village.town")
    start = factory.LazyFunction(lambda: dt.datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    venue_address = "村委会广场"

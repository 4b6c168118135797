"""Who counts as a village's team (有队伍) at the end of a month: one definition for the
five-standards report, the coverage gap list and the volunteers report."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet

from volunteers.models import Volunteer


def team_at_month_end(month: dt.date) -> QuerySet:
    """Rows with ``village_id``, ``town_id`` and ``volunteer_id``: the volunteers who were
    active and lived in the village at the end of ``month``."""
    return Volunteer.objects.filter(is_active=True).annotate(
        village_id=F("home_village_id"), volunteer_id=F("pk")
    )

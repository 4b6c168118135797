"""Who counts as a village's team (有队伍) at the end of a month: one definition for the
five-standards report, the coverage gap list and the volunteers report."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.months import bounds
from volunteers.models import VolunteerStanding


def team_at_month_end(month: dt.date) -> QuerySet:
    """The volunteers who were active and lived in the village at the end of ``month``
    (Asia/Shanghai): each volunteer's latest standing row before the next month began, when it
    says active. Rows with ``village_id``, ``town_id`` and ``volunteer_id``, one per volunteer.
    """
    _, end = bounds(month)
    later = VolunteerStanding.objects.filter(
        Q(since__gt=OuterRef("since")) | Q(since=OuterRef("since"), pk__gt=OuterRef("pk")),
        volunteer_id=OuterRef("volunteer_id"),
        since__lt=end,
    )
    return VolunteerStanding.objects.filter(since__lt=end, is_active=True).exclude(Exists(later))

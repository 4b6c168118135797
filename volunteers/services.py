"""Volunteers' standing over time (home village and active state) and marking them active."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from volunteers.models import Volunteer, VolunteerStanding
from volunteers.signals import volunteers_changed


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def record_standings(*, volunteer_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Write a standing row for each volunteer whose home village or active state differs from
    their latest row (idempotent: nothing changed, nothing written). Returns the rows written.

    A volunteer's first row starts on the day they joined (``joined_on``), when that is not in
    the future: the record may be entered after the fact. Later rows start ``now``.
    """
    now = now or timezone.now()
    ids = sorted(set(volunteer_ids))
    if not ids:
        return 0
    latest: dict[int, tuple[int, bool]] = {}
    for volunteer_id, village_id, active in (
        VolunteerStanding.objects.filter(volunteer_id__in=ids)
        .order_by("volunteer_id", "since", "id")
        .values_list("volunteer_id", "village_id", "is_active")
    ):
        latest[volunteer_id] = (village_id, active)
    rows = []
    for v in Volunteer.objects.filter(pk__in=ids).only(
        "home_village_id", "town_id", "is_active", "joined_on"
    ):
        if latest.get(v.pk) == (v.home_village_id, v.is_active):
            continue
        since = now
        if v.pk not in latest and v.joined_on:
            since = min(now, start_of(v.joined_on))
        rows.append(
            VolunteerStanding(
                volunteer_id=v.pk,
                village_id=v.home_village_id,
                town_id=v.town_id,
                is_active=v.is_active,
                since=since,
            )
        )
    VolunteerStanding.objects.bulk_create(rows)
    return len(rows)


def volunteers_set_active(*, volunteer_ids: Iterable[int], active: bool) -> int:
    """Mark volunteers active or inactive in one UPDATE, with their standing rows in the same
    transaction; listeners (the reports' team counts) are told which towns changed once it
    commits, since ``update()`` sends no ``post_save``. Returns how many rows were updated."""
    ids = sorted(set(volunteer_ids))
    with transaction.atomic():
        queryset = Volunteer.objects.filter(pk__in=ids)
        town_ids = set(queryset.values_list("town_id", flat=True))
        updated = queryset.update(is_active=active)
        record_standings(volunteer_ids=ids)
        transaction.on_commit(
            lambda: volunteers_changed.send(sender=Volunteer, town_ids=sorted(town_ids))
        )
    return updated

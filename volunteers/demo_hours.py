"""Demo service records, certificates, points and the points supermarket (``seed_demo`` steps).

Records are evidence: the demo data carries the same audit rows, ledger entries and totals the
real paths make. A year of history (tens of thousands of records) cannot go through
``volunteers.records`` one call at a time within the demo's budget, so ``write_history``
bulk-writes it and writes what the services would have written with it: a ``create`` audit
row per record, a ``confirm`` row per confirmed one, an earning in the points ledger within the
daily and monthly caps, and the volunteers' totals of confirmed hours. Everything after the
history (a few records in 团结村, rewards, redemptions, certificates, one revoked) goes
through the services, acted on by the demo organiser (``demo_organiser``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext

from core.bulk import insert_objects, update_rows
from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE
from stations.models import City, Position, Role, Village
from volunteers import certificates, points, records
from volunteers.models import (
    PointsEntry,
    Reward,
    ServiceRecord,
    ServiceRecordChange,
    Volunteer,
)

if TYPE_CHECKING:  # type only: volunteers must not depend on portal at run time
    from portal.seeding import SeedContext

S = ServiceRecord.Status
A = ServiceRecordChange.Action
DEMO_ORGANISER = "seed_demo"
# (item, points, stock): what a village points supermarket (积分超市) stocks.
REWARDS = (
    ("洗衣粉", 30, 40),
    ("食用油（5升）", 150, 12),
    ("大米（10斤）", 120, 20),
    ("毛巾", 20, 60),
    ("牙膏", 15, 80),
    ("保温杯", 80, 10),
    ("雨伞", 60, 15),
    ("手电筒", 40, 20),
)
REWARD_STATIONS_ELSEWHERE = 40  # besides every station of the article's town
CERTIFICATES = 5
REVOKE_REASON = "服务期间填写有误，已按正确期间重新出具。"


def demo_organiser():
    """The login the demo's confirmations, certificates and redemptions are recorded under.

    The services take an actor whose area covers what they act on; the demo logins are made
    after seeding (``manage.py demo``), so the seed acts as a city admin of its own: an
    inactive login with no usable password (it can never sign in), named so that records say
    who really made them. Its role is domain data (``--reset`` deletes it; the next seed
    adds it again).
    """
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_ORGANISER,
        defaults={"first_name": "演示数据", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Role.objects.get_or_create(user=user, kind=Role.Kind.CITY_ADMIN, city=City.objects.get())
    return user


def write_history(rows: list[ServiceRecord]) -> dict[str, int]:
    """Bulk-write past service records (unsaved; status, ``recorded_*`` and ``confirmed_*``
    set) with the audit rows, points and totals the services would have written (see the
    module docstring); afterwards every volunteer's ``hours_total`` is their confirmed hours.
    A record without ``recorded_by`` was recorded by the volunteer (their completion of an
    order, their check-in). Returns counts for the seed's summary."""
    insert_objects(rows)
    changes = _audit_rows(min(r.pk for r in rows), max(r.pk for r in rows)) if rows else 0
    entries = _earnings([r for r in rows if r.status == S.CONFIRMED])
    insert_objects(entries)
    _recount_totals(rows)
    _analyze()
    return {
        "records": len(rows),
        "confirmed": sum(1 for r in rows if r.status == S.CONFIRMED),
        "changes": changes,
        "entries": len(entries),
    }


def _audit_rows(first_id: int, last_id: int) -> int:
    """The ``create`` row of every record in the id range and the ``confirm`` row of every
    confirmed one, as ``records._audit`` writes them. INSERT … SELECT: ~85,000 rows built
    as model instances would take longer than the records themselves. (The seed is the only
    writer: ``seed_demo`` runs in one transaction on a database it has to itself.)"""
    record, change = ServiceRecord._meta, ServiceRecordChange._meta
    q = connection.ops.quote_name

    def col(meta, name: str) -> str:
        return q(meta.get_field(name).column)

    columns = ", ".join(
        col(change, name)
        for name in ("record", "action", "from_status", "to_status", "old_hours", "new_hours",
                     "actor", "actor_label", "note", "created_at")
    )  # fmt: skip
    insert = f"INSERT INTO {q(change.db_table)} ({columns}) "  # noqa: S608 - names from _meta
    source = f" FROM {q(record.db_table)} WHERE {col(record, 'id')} BETWEEN %s AND %s"
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(
            insert + f"SELECT {col(record, 'id')}, %s, '', %s, NULL, {col(record, 'hours')}, "
            f"{col(record, 'recorded_by')}, CASE WHEN {col(record, 'recorded_by')} IS NULL "
            f"THEN %s ELSE '' END, '', {col(record, 'recorded_at')}"
            + source
            + f" ORDER BY {col(record, 'id')}",
            [A.CREATE, S.PENDING, gettext("志愿者"), first_id, last_id],
        )
        written += cursor.rowcount
        cursor.execute(
            insert + f"SELECT {col(record, 'id')}, %s, %s, %s, {col(record, 'hours')}, "
            f"{col(record, 'hours')}, {col(record, 'confirmed_by')}, "
            f"{col(record, 'confirmed_label')}, '', {col(record, 'confirmed_at')}"
            + source
            + f" AND {col(record, 'status')} = %s ORDER BY {col(record, 'id')}",
            [A.CONFIRM, S.PENDING, S.CONFIRMED, first_id, last_id, S.CONFIRMED],
        )
        written += cursor.rowcount
    return written


def _month_key(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _earnings(confirmed: list[ServiceRecord]) -> list[PointsEntry]:
    """``points.earn_for_record`` for each record, in the order they were confirmed: the same
    rounding and the same daily and monthly caps (counted by the day of service)."""
    towns = dict(
        Volunteer.objects.filter(pk__in={r.volunteer_id for r in confirmed}).values_list(
            "pk", "town_id"
        )
    )
    by_day: dict[tuple[int, dt.date], int] = defaultdict(int)
    by_month: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    capped = gettext("已达积分上限，按上限计入")
    entries = []
    for record in sorted(confirmed, key=lambda r: (r.confirmed_at, r.pk)):
        wanted = int((record.hours * record.points_rate).quantize(Decimal("1"), ROUND_HALF_UP))
        day_key = (record.volunteer_id, record.service_date)
        month_key = (record.volunteer_id, _month_key(record.service_date))
        earned = max(
            0,
            min(
                wanted,
                settings.WENMING_POINTS_DAILY_CAP - by_day[day_key],
                settings.WENMING_POINTS_MONTHLY_CAP - by_month[month_key],
            ),
        )
        by_day[day_key] += earned
        by_month[month_key] += earned
        entries.append(
            PointsEntry(
                volunteer_id=record.volunteer_id,
                kind=PointsEntry.Kind.EARN,
                points=earned,
                record=record,
                service_date=record.service_date,
                town_id=towns[record.volunteer_id],
                note="" if earned == wanted else capped,
                created_by=record.confirmed_by,
                created_at=record.confirmed_at,
            )
        )
    return entries


def _recount_totals(rows: list[ServiceRecord]) -> None:
    # Each volunteer's total is the sum of their confirmed records (the invariant the services
    # keep record by record), whatever earlier steps had put there. Summed here: a correlated
    # subquery per volunteer on a freshly filled table is slow on PostgreSQL.
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for record in rows:
        if record.status == S.CONFIRMED:
            totals[record.volunteer_id] += record.hours
    Volunteer.objects.exclude(hours_total=0).update(hours_total=Decimal("0"))
    update_rows(Volunteer, ["hours_total"], sorted(totals.items()))


def _analyze() -> None:
    if connection.vendor != "postgresql":
        return
    # Fresh tables have no statistics; the next steps' balance and rollup queries would plan
    # as if they were empty (see events.demo).
    with connection.cursor() as cursor:
        for model in (ServiceRecord, ServiceRecordChange, PointsEntry, Volunteer):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- the step that goes through the services ---------------------------------------------------


def _article_village() -> Village:
    return Village.objects.get(name=ARTICLE_VILLAGE, town__name=ARTICLE_TOWN)


def demo_volunteer(village: Village) -> Volunteer | None:
    """The volunteer the demo's volunteer login is linked to (``portal.demo_logins``)."""
    return (
        Volunteer.objects.filter(home_village=village, user__isnull=True)
        .exclude(captained_teams__isnull=False)
        .order_by("id")
        .first()
    )


def seed_points(ctx: SeedContext) -> None:
    """A few records in 团结村, rewards at some stations, redemptions and certificates, all
    through the services (after the history step, before the rollups)."""
    rng = ctx.rng
    today = timezone.localdate(ctx.now)
    actor = demo_organiser()
    village = _article_village()
    station = Position.objects.get(level=Position.Level.STATION, village=village)
    volunteer = demo_volunteer(village)

    # This week's service in 团结村, recorded by the station: pending until confirmed, and the
    # first one confirmed (the audit row, the earning and the total move as in real use).
    fresh = []
    if volunteer is not None:
        for days, hours, content in (
            (2, "2.0", "协助村委会整理农家书屋"),
            (5, "1.5", "村内环境整治"),
        ):
            record, _created = records.record_create(
                volunteer=volunteer,
                hours=hours,
                service_date=today - dt.timedelta(days=days),
                content=content,
                village=village,
                organiser_position=station,
                recorded_by=actor,
            )
            fresh.append(record)
        records.record_confirm(record_id=fresh[-1].pk, actor=actor)

    # The points supermarket: every station of the article's town and some elsewhere.
    stations = list(
        Position.objects.filter(level=Position.Level.STATION, is_active=True)
        .order_by("id")
        .values_list("id", "village__town__name")
    )
    home = [sid for sid, town in stations if town == ARTICLE_TOWN]
    others = [sid for sid, town in stations if town != ARTICLE_TOWN]
    chosen = home + rng.sample(others, min(REWARD_STATIONS_ELSEWHERE, len(others)))
    rewards = 0
    for position_id in ctx.progress(chosen, len(chosen), gettext("积分超市")):
        for name, price, stock in rng.sample(REWARDS, rng.randint(3, 5)):
            points.reward_create(
                actor=actor, position_id=position_id, name=name, points=price, stock=stock
            )
            rewards += 1

    # Redemptions: a few volunteers of each such village spend points at their own station.
    redeemed = 0
    catalogue: dict[int, list[Reward]] = defaultdict(list)
    for reward in Reward.objects.filter(position_id__in=chosen).order_by("id"):
        catalogue[reward.position_id].append(reward)
    balances = dict(
        PointsEntry.objects.filter(volunteer__home_village__positions__id__in=chosen)
        .values("volunteer")
        .annotate(s=Sum("points"))
        .values_list("volunteer", "s")
    )
    villagers: dict[int, list[int]] = defaultdict(list)
    for vid, position_id in (
        Volunteer.objects.filter(pk__in=balances, home_village__positions__id__in=chosen)
        .order_by("id")
        .values_list("id", "home_village__positions__id")
    ):
        villagers[position_id].append(vid)
    for position_id in chosen:
        people = villagers.get(position_id, [])
        wanted = people if position_id == station.pk else rng.sample(people, min(2, len(people)))
        for vid in wanted:
            affordable = [r for r in catalogue[position_id] if r.points <= balances[vid]]
            if not affordable:
                continue
            reward = rng.choice(affordable)
            points.redeem(actor=actor, reward_id=reward.pk, volunteer_id=vid)
            balances[vid] -= reward.points
            redeemed += 1

    # Certificates of confirmed service: the period spans the volunteer's confirmed records,
    # so it always holds confirmed hours whatever today's date.
    spans = {
        row["volunteer"]: (row["first"], row["last"])
        for row in ServiceRecord.objects.filter(status=S.CONFIRMED)
        .values("volunteer")
        .annotate(first=Min("service_date"), last=Max("service_date"))
        .order_by("volunteer")
    }
    holders = sorted(spans)
    picked = rng.sample(holders, min(CERTIFICATES, len(holders)))
    if volunteer is not None and volunteer.pk in spans and volunteer.pk not in picked:
        picked[0] = volunteer.pk
    issued = []
    for vid in picked:
        first, last = spans[vid]
        issued.append(
            certificates.certificate_issue(
                volunteer_id=vid, actor=actor, period_start=first, period_end=last
            )
        )
    revoked = next((c for c in issued if c.volunteer_id != getattr(volunteer, "pk", None)), None)
    if revoked is not None:
        # One revoked with its reason, and the corrected one issued in its place.
        certificates.certificate_revoke(
            certificate_id=revoked.pk, actor=actor, reason=REVOKE_REASON
        )
        first, last = spans[revoked.volunteer_id]
        issued.append(
            certificates.certificate_issue(
                volunteer_id=revoked.volunteer_id, actor=actor, period_start=first, period_end=last
            )
        )
    ctx.stdout.write(
        "  "
        + gettext("%(rewards)s 积分兑换物品，%(redeemed)s 次兑换，%(certificates)s 份服务证明")
        % {"rewards": rewards, "redeemed": redeemed, "certificates": len(issued)}
    )

"""Demo events: 12 past months of activities, monthly plans, next month's plans, and every
month's published calendar. Bulk-created (signals do not fire), deterministic from ``ctx.rng``.

At scale 1: about 1,224 stations × 12 months × ~0.78 events ≈ 11,500 past events. Each station
skips a month now and then (some villages miss months, which the coverage report shows), and
a few stations are quiet for long stretches.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from core.bulk import insert_objects
from core.months import TZ, add_months, bounds
from events.calendar import calendar_compile
from events.models import Event, EventStateChange, EventVolunteer, MonthlyPlan
from orders.models import Platform, ServiceCategory
from stations.models import Position
from volunteers.models import Volunteer

S = Event.State
PAST_MONTHS = 12

# (title, category code, platform name or "") — shapes the article mentions.
TITLES = [
    ("《民法典》进村宣讲", "law", "法律法规"),
    ("党的创新理论宣讲", "lecture", "理论宣讲"),
    ("文明交通志愿服务", "customs", ""),
    ("无偿献血志愿服务", "assist", "卫生健康"),
    ("“暖冬行动”走访慰问", "assist", ""),
    ("新春送戏下乡", "arts", "文化"),
    ("全民健身广场舞", "fitness", "健身体育"),
    ("农业科技讲座", "science", "科技与科普"),
    ("人居环境整治", "environment", ""),
    ("移风易俗宣传", "customs", ""),
    ("孝老爱亲礼仪课堂", "etiquette", "教育"),
    ("义诊进村", "assist", "卫生健康"),
    ("防范电信诈骗讲座", "law", "法律法规"),
    ("留守儿童课业辅导", "etiquette", "教育"),
    ("垃圾分类宣传", "environment", ""),
    ("科普大篷车进村", "science", "科技与科普"),
]
RESULTS = [
    "群众参与积极，反响良好。",
    "发放宣传资料百余份。",
    "现场解答群众咨询二十余人次。",
    "活动有序开展，群众满意。",
]
CANCEL_REASONS = ["天气原因", "与农忙时节冲突", "场地维修", "主讲人临时有事"]


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def seed_events(ctx) -> None:
    rng = ctx.rng
    now = ctx.now
    today = now.astimezone(TZ).date()
    this_month = today.replace(day=1)
    first_month = add_months(this_month, -PAST_MONTHS)
    next_month = add_months(this_month, 1)

    stations = list(
        Position.objects.filter(level=Position.Level.STATION, is_active=True)
        .order_by("id")
        .values_list("id", "town_id", "village_id", "name")
    )
    categories = {c.code: c.pk for c in ServiceCategory.objects.all()}
    category_ids = list(categories.values())
    platforms = {p.name: p.pk for p in Platform.objects.all()}
    if not stations or not category_ids:
        ctx.stdout.write("  " + gettext("活动：没有实践站或服务类别，跳过"))
        return
    volunteers_by_village: dict[int, list[int]] = defaultdict(list)
    for vid, village_id in Volunteer.objects.filter(is_active=True).values_list(
        "id", "home_village_id"
    ):
        volunteers_by_village[village_id].append(vid)

    # A few stations are quiet for long stretches; the rest skip a month now and then.
    activity = {sid: (0.35 if rng.random() < 0.06 else 0.7) for sid, *_ in stations}

    events: list[Event] = []
    plans: list[MonthlyPlan] = []
    months = [add_months(first_month, n) for n in range(PAST_MONTHS + 2)]  # … this, next
    for month in ctx.progress(months, len(months), gettext("活动")):
        start_bound, end_bound = bounds(month)
        days_in_month = (end_bound - start_bound).days
        is_next = month == next_month
        due = add_months(month, -1).replace(day=20)
        for sid, town_id, village_id, name in stations:
            active = rng.random() < activity[sid]
            if is_next:
                active = rng.random() < 0.7  # plans still coming in
            if not active:
                continue
            submitted = rng.random() < (0.6 if is_next else 0.9)
            submitted_at = _local(due, 9, 0) - dt.timedelta(days=rng.randint(0, 10))
            plans.append(
                MonthlyPlan(
                    position_id=sid,
                    month=month,
                    status=MonthlyPlan.Status.SUBMITTED if submitted else MonthlyPlan.Status.DRAFT,
                    submitted_at=submitted_at if submitted else None,
                    note="",
                )
            )
            for _ in range(1 if rng.random() < 0.85 else 2):
                title, code, platform = rng.choice(TITLES)
                day = month.replace(day=rng.randint(1, days_in_month))
                hour = rng.choice([8, 9, 9, 14, 15, 19])
                start = _local(day, hour, rng.choice([0, 30]))
                end = start + dt.timedelta(minutes=rng.choice([60, 90, 120, 180]))
                if is_next:
                    state = S.PLANNED if submitted else S.DRAFT
                elif start >= now:
                    state = S.PUBLISHED if rng.random() < 0.7 else S.PLANNED
                elif rng.random() < 0.04:
                    state = S.CANCELLED
                else:
                    state = S.DONE
                done = state == S.DONE
                events.append(
                    Event(
                        title=title,
                        description=f"{name}组织开展{title}活动。",
                        category_id=categories.get(code) or rng.choice(category_ids),
                        platform_id=platforms.get(platform),
                        organiser_position_id=sid,
                        venue_position_id=sid,
                        town_id=town_id,
                        village_id=village_id,
                        start=start,
                        end=end,
                        capacity=rng.choice([None, 30, 50, 100]),
                        state=state,
                        attendance=rng.randint(8, 120) if done else 0,
                        results_note=rng.choice(RESULTS) if done else "",
                        completed_at=end if done else None,
                        cancel_reason=rng.choice(CANCEL_REASONS) if state == S.CANCELLED else "",
                        cancelled_at=start - dt.timedelta(days=1) if state == S.CANCELLED else None,
                    )
                )
    insert_objects(events)
    insert_objects(plans)

    changes: list[EventStateChange] = []
    links: list[EventVolunteer] = []
    for event in events:
        # Audit rows only where the calendar needs them: a cancelled event is listed (as
        # cancelled) only if it had been announced. One row per event would double the time.
        if event.state == S.CANCELLED:
            changes.append(EventStateChange(event=event, from_state=S.DRAFT, to_state=S.PLANNED))
            changes.append(
                EventStateChange(
                    event=event,
                    from_state=S.PLANNED,
                    to_state=S.CANCELLED,
                    note=event.cancel_reason,
                )
            )
        if event.state == S.DONE:
            pool = volunteers_by_village.get(event.village_id, [])
            hours = Decimal(int((event.end - event.start).total_seconds() // 1800)) / 2
            for vid in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                links.append(
                    EventVolunteer(
                        event=event,
                        volunteer_id=vid,
                        hours=hours,
                        confirmed=True,
                        checked_in=rng.random() < 0.6,
                        hours_credited=True,
                    )
                )
    insert_objects(changes)
    insert_objects(links)
    # Credited hours go into each volunteer's total: one UPDATE with a correlated sum.
    served = (
        EventVolunteer.objects.filter(volunteer=OuterRef("pk"), hours_credited=True)
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    Volunteer.objects.filter(pk__in=EventVolunteer.objects.values("volunteer_id")).update(
        hours_total=F("hours_total")
        + Coalesce(
            Subquery(served, output_field=DecimalField()),
            Value(Decimal("0")),
            output_field=DecimalField(),
        )
    )

    if connection.vendor == "postgresql":
        # Fresh tables have no statistics yet; without them the planner picks nested loops that
        # make each month's gather take seconds instead of milliseconds.
        with connection.cursor() as cursor:
            for model in (
                Event,
                EventStateChange,
                EventVolunteer,
                MonthlyPlan,
                Position,
                Volunteer,
                ServiceCategory,
                Platform,
            ):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    published = 0
    for month in months:
        if calendar_compile(month=month).created:
            published += 1
    ctx.stdout.write(
        "  "
        + gettext(
            "%(events)s 活动（%(done)s 已完成），%(plans)s 月度计划，%(links)s 志愿服务记录，"
            "%(published)s 个月历版本"
        )
        % {
            "events": len(events),
            "done": sum(1 for e in events if e.state == S.DONE),
            "plans": len(plans),
            "links": len(links),
            "published": published,
        }
    )

"""Demo order history: twelve months of 点单 → 接单 → 评单 across the city (``seed_demo`` step).

At scale 1 about 30,000 orders with their status history, shaped like real use: busy and quiet
villages (some with no order at all in some months), seasonal swings, review and response
times with a long tail (some orders go overdue), cancellations and rejections, ratings mostly
good with a few low ones awaiting follow-up, and open orders in 团结村 that match the demo
volunteer's skills. Everything is written with ``bulk_create``; only ``ctx.rng`` is random.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from core.bulk import insert_objects, insert_rows, update_rows
from orders.models import (
    MenuItem,
    Order,
    OrderNumberSequence,
    OrderStatusChange,
    TargetGroup,
    VolunteerSkill,
)
from orders.submission import new_tracking_token
from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE
from stations.models import Position, Village
from volunteers.models import Team, Volunteer

if TYPE_CHECKING:  # type only: orders must not depend on portal at run time
    from portal.seeding import SeedContext

S = Order.Status
Actor = OrderStatusChange.ActorKind
Note = OrderStatusChange.NoteKind
TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
ORDERS_PER_SCALE = 30_600
MONTHS = 12
# Relative demand by calendar month: quiet at the Spring Festival and harvest, busy in summer.
SEASON = {1: 0.7, 2: 0.6, 3: 0.9, 4: 1.0, 5: 1.05, 6: 1.1, 7: 1.25, 8: 1.2, 9: 1.0, 10: 0.8,
          11: 1.0, 12: 0.95}  # fmt: skip
STARS = ((5, 55), (4, 28), (3, 10), (2, 4), (1, 3))
DESCRIPTIONS = (
    "希望安排在村文化广场，老人比较多。",
    "孩子放假在家，想请志愿者来辅导。",
    "村里刚修了健身器材，想请人来教一教。",
    "老人不会用智能手机，想学视频通话。",
    "想请人讲讲新政策，大家都关心。",
    "请在农闲时候来，周末最好。",
    "",
    "",
)
WINDOWS = ("周末上午", "工作日下午", "晚饭后", "上午九点以后", "", "", "")
# The doors of the history's orders, 14:4:2 web:kiosk:api. Picked from the order's creation
# second rather than drawn from the seeded generator, so that adding channels changed no other
# demo value of a given --seed. (No proxy or Open311 orders: those carry a helper or a partner.)
CHANNEL_MIX = (Order.Channel.WEB,) * 14 + (Order.Channel.KIOSK,) * 4 + (Order.Channel.API,) * 2
OPEN_IN_TUANJIE = 8
# A status row's columns, in the order ``_History.add`` keeps each step.
CHANGE_FIELDS = ("order_id", "from_status", "to_status", "actor_kind", "actor_label", "note",
                 "note_kind", "note_data", "created_at")  # fmt: skip
REPORTS = (
    "按约定时间到村开展服务，群众反响好。",
    "服务顺利完成，现场约{n}人参加。",
    "已完成，留下联系方式方便后续服务。",
)


@contextmanager
def _keep_given_timestamps():
    """bulk_create would stamp ``auto_now(_add)`` fields with now; history needs its own times."""
    fields = [
        Order._meta.get_field("created_at"),
        Order._meta.get_field("updated_at"),
        OrderStatusChange._meta.get_field("created_at"),
    ]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _month_starts(now: dt.datetime) -> list[dt.datetime]:
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = []
    for _ in range(MONTHS):
        months.append(start)
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _menu_by_village(villages: list[Village]) -> dict[int, list[MenuItem]]:
    items = list(MenuItem.objects.filter(is_active=True).order_by("id"))
    by_id = {item.pk: item for item in items}
    citywide = [i for i in items if i.reach == MenuItem.Reach.CITYWIDE]
    town_items: dict[int, list[MenuItem]] = defaultdict(list)
    for menuitem_id, town_id in MenuItem.towns.through.objects.values_list(
        "menuitem_id", "town_id"
    ):
        if menuitem_id in by_id and by_id[menuitem_id].reach == MenuItem.Reach.TOWNS:
            town_items[town_id].append(by_id[menuitem_id])
    village_items: dict[int, list[MenuItem]] = defaultdict(list)
    for menuitem_id, village_id in MenuItem.villages.through.objects.values_list(
        "menuitem_id", "village_id"
    ):
        if menuitem_id in by_id and by_id[menuitem_id].reach == MenuItem.Reach.VILLAGES:
            village_items[village_id].append(by_id[menuitem_id])
    return {
        v.pk: citywide + town_items.get(v.town_id, []) + village_items.get(v.pk, [])
        for v in villages
    }


def monthly_counts(month_starts: list[dt.datetime], scale: int) -> list[int]:
    """Orders per month for full months, following the seasons; sums to the scale's total."""
    weights = [SEASON[m.month] for m in month_starts]
    total = ORDERS_PER_SCALE * scale
    return [round(total * w / sum(weights)) for w in weights]


def demo_volunteer(village: Village) -> Volunteer | None:
    """The volunteer the demo login will be linked to (see ``portal.demo_logins``)."""
    return (
        Volunteer.objects.filter(home_village=village, user__isnull=True)
        .exclude(captained_teams__isnull=False)
        .order_by("id")
        .first()
    )


class _History:
    """Builds orders and their status rows in memory, for one bulk insert."""

    def __init__(self, ctx: SeedContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = ctx.now
        self.orders: list[Order] = []
        # per order: (from, to, actor kind, label, note, note kind, note data, at); the label and
        # note hold the source-language wording, as ``transitions.record_change`` writes them.
        self.changes: list[list[tuple]] = []

    def token(self) -> str:
        # A tracking token is the resident's only key to an order: random, never derived from the
        # seed (anyone who knows the public seed could otherwise rebuild every demo link). The
        # seeded draw stays so the rest of the demo data is the same for a given --seed.
        self.rng.randbytes(24)
        return new_tracking_token()

    def hours_after(self, start: dt.datetime, median_hours: float, sigma: float = 1.0):
        return start + dt.timedelta(hours=self.rng.lognormvariate(0, sigma) * median_hours)

    def add(
        self,
        *,
        village: Village,
        item: MenuItem,
        created: dt.datetime,
        reviews: bool,
        volunteers: list[Volunteer],
        teams: list[Team],
        owner: Volunteer | None = None,
        final: str | None = None,
    ) -> None:
        rng, now = self.rng, self.now
        age_days = (now - created).total_seconds() / 86400
        if final is None:
            final = self._pick_final(age_days)
        order = Order(
            tracking_token=self.token(),
            village_id=village.pk,
            town_id=village.town_id,
            menu_item_id=item.pk,
            category_id=item.category_id,
            name=self.ctx.person_name(),
            phone=self.ctx.mobile(),
            description=rng.choice(DESCRIPTIONS),
            preferred_date=(created + dt.timedelta(days=rng.randint(2, 14))).date()
            if rng.random() < 0.6
            else None,
            preferred_window=rng.choice(WINDOWS),
            people=rng.choice((1, 1, 2, 3, 5, 8, 10, 15, 20, 30, 40, 60)),
            target_group=item.target_group
            or (rng.choice(TargetGroup.values) if rng.random() < 0.08 else ""),
            created_at=created,
            status=S.SUBMITTED,
            channel=CHANNEL_MIX[int(created.timestamp()) % len(CHANNEL_MIX)],
        )
        steps: list[tuple] = [("", S.SUBMITTED, Actor.RESIDENT, "居民", "", "", {}, created)]
        t = created
        head = (Actor.STATION_HEAD, "站长")
        resident = (Actor.RESIDENT, "居民")

        def step(
            to: str,
            actor: tuple[str, str],
            note: str,
            at: dt.datetime,
            note_kind: str = "",
            note_data: dict | None = None,
        ) -> bool:
            if at >= now:
                return False
            steps.append((order.status, to, *actor, note, note_kind, note_data or {}, at))
            order.status = to
            return True

        if final == S.REJECTED:
            at = self.hours_after(t, 6)
            reason = rng.choice(("该服务需到镇实践所办理", "重复申请", "超出本站服务范围"))
            if step(S.REJECTED, head, reason, at):
                order.reason, order.closed_at = reason, at
            return self._keep(order, steps)
        if reviews:
            at = self.hours_after(t, 5)
            if final == S.SUBMITTED or not step(S.OPEN, head, "", at):
                return self._keep(order, steps)
            t = order.opened_at = at
        else:
            step(
                S.OPEN,
                (Actor.SYSTEM, "系统"),
                "本站未开启审核，自动开放接单。",
                t,
                Note.AUTO_OPENED,
            )
            order.opened_at = t
        if final == S.OPEN:
            return self._keep(order, steps)
        if final == S.CANCELLED:
            at = self.hours_after(t, 10)
            by_resident = rng.random() < 0.7
            reason = "问题已经解决了" if by_resident else "群众联系不上"
            if step(S.CANCELLED, resident if by_resident else head, reason, at):
                order.reason, order.closed_at = reason, at
            return self._keep(order, steps)

        # Accepted: mostly claimed by a volunteer of the village or town, sometimes assigned.
        accepted_at = self.hours_after(t, 9, 1.1)
        owner = owner or (rng.choice(volunteers) if volunteers else None)
        team = None
        if owner is None or (teams and rng.random() < 0.12):
            if not teams:
                return self._keep(order, steps)
            owner, team = None, rng.choice(teams)
        if rng.random() < 0.03 and owner is not None:  # claimed, then given back
            released_at = self.hours_after(accepted_at, 12)
            worker = (Actor.VOLUNTEER, owner.given_name)
            if step(S.ACCEPTED, worker, "", accepted_at) and step(
                S.OPEN, worker, "临时有事，无法按时服务", released_at
            ):
                accepted_at = self.hours_after(released_at, 6)
        if owner:
            by, assigned = (Actor.VOLUNTEER, owner.given_name), {}
        else:
            by, assigned = head, {"who": team.name, "team_id": team.pk}
        note = f"派单给 {team.name}" if assigned else ""
        if not step(S.ACCEPTED, by, note, accepted_at, Note.ASSIGNED if assigned else "", assigned):
            return self._keep(order, steps)
        order.accepted_by_id = owner.pk if owner else None
        order.accepted_team_id = team.pk if team else None
        order.accepted_at = accepted_at
        if final == S.ACCEPTED:
            return self._keep(order, steps)

        completed_at = self.hours_after(accepted_at, 60, 0.7)
        hours = Decimal(rng.choice((5, 10, 10, 15, 20, 20, 30, 40))) / 10
        report = rng.choice(REPORTS).format(n=order.people)
        if not step(S.COMPLETED, by, report, completed_at):
            return self._keep(order, steps)
        order.completed_at, order.hours, order.report = completed_at, hours, report
        order.service_date = completed_at.astimezone(TZ).date()
        if final == S.COMPLETED:
            return self._keep(order, steps)

        rated_at = self.hours_after(completed_at, 20)
        stars = rng.choices([s for s, _ in STARS], [w for _, w in STARS])[0]
        comment = rng.choice(
            {
                5: ("非常满意，谢谢志愿者！", "讲得很好，希望常来。", ""),
                4: ("挺好的。", "时间再长点就好了。", ""),
                3: ("一般。", "来得有点晚。"),
                2: ("来晚了一个多小时。", "内容不太实用。"),
                1: ("等了很久没人来。", "态度不好。"),
            }[stars]
        )
        rating = f"{stars} 星" + (f"：{comment}" if comment else "")
        if step(
            S.RATED, resident, rating, rated_at, Note.RATED, {"stars": stars, "comment": comment}
        ):
            order.stars, order.rating_comment, order.rated_at = stars, comment, rated_at
            order.needs_follow_up = stars <= 2
            if order.needs_follow_up and age_days > 20 and rng.random() < 0.8:
                order.needs_follow_up = False
                order.followed_up_at = self.hours_after(rated_at, 30)
                order.follow_up_note = "已电话回访，向群众说明情况并致歉。"
        return self._keep(order, steps)

    def _pick_final(self, age_days: float) -> str:
        rng = self.rng
        if age_days > 14:
            table = ((S.RATED, 62), (S.COMPLETED, 20), (S.CANCELLED, 7), (S.REJECTED, 4),
                     (S.ACCEPTED, 4), (S.OPEN, 2), (S.SUBMITTED, 1))  # fmt: skip
        elif age_days > 3:
            table = ((S.RATED, 30), (S.COMPLETED, 25), (S.ACCEPTED, 22), (S.OPEN, 8),
                     (S.SUBMITTED, 4), (S.CANCELLED, 7), (S.REJECTED, 4))  # fmt: skip
        else:
            table = ((S.COMPLETED, 5), (S.ACCEPTED, 30), (S.OPEN, 30), (S.SUBMITTED, 25),
                     (S.CANCELLED, 6), (S.REJECTED, 4))  # fmt: skip
        return rng.choices([s for s, _ in table], [w for _, w in table])[0]

    def _keep(self, order: Order, steps: list[tuple]) -> None:
        last_at = steps[-1][-1]
        order.updated_at = last_at
        if order.status in Order.WAITING:
            # Given back after holding it across its deadline: not overdue (``order_release``).
            deadline = Order.overdue_deadline(order.created_at)
            at_deadline = [to for _from, to, *_rest, at in steps if at <= deadline]
            order.held_at_deadline = deadline < self.now and at_deadline[-1] not in Order.WAITING
        self.orders.append(order)
        self.changes.append(steps)


def seed_orders(ctx: SeedContext) -> None:
    rng, now = ctx.rng, ctx.now
    villages = list(Village.objects.order_by("id"))
    menus = _menu_by_village(villages)
    reviews = dict(
        Position.objects.filter(level=Position.Level.STATION).values_list(
            "village_id", "review_orders"
        )
    )
    volunteers_by_village: dict[int, list[Volunteer]] = defaultdict(list)
    volunteers_by_town: dict[int, list[Volunteer]] = defaultdict(list)
    for v in Volunteer.objects.filter(is_active=True).only(
        "id", "name", "home_village_id", "town_id"
    ):
        volunteers_by_village[v.home_village_id].append(v)
        volunteers_by_town[v.town_id].append(v)
    teams_by_village: dict[int, list[Team]] = defaultdict(list)
    for team in Team.objects.filter(is_active=True, village__isnull=False).only(
        "id", "name", "village_id"
    ):
        teams_by_village[team.village_id].append(team)

    # Demand per village: most villages order a little, a few a lot, some hardly ever.
    activity = {}
    for v in villages:
        if rng.random() < 0.06:
            activity[v.pk] = 0.08  # dormant: months go by without an order
        else:
            activity[v.pk] = rng.lognormvariate(0, 0.6)
    month_starts = _month_starts(now)
    per_month = monthly_counts(month_starts, ctx.scale)
    village_weights = [activity[v.pk] for v in villages]

    history = _History(ctx)
    for start, count in ctx.progress(
        list(zip(month_starts, per_month, strict=True)), MONTHS, gettext("点单历史")
    ):
        end = min((start + dt.timedelta(days=32)).replace(day=1), timezone.localtime(now))
        span = (end - start).total_seconds()
        if start is month_starts[-1]:
            count = max(1, round(count * span / (30 * 86400)))
        chosen = rng.choices(villages, village_weights, k=count)
        for village in chosen:
            menu = menus.get(village.pk)
            if not menu:
                continue
            created = start + dt.timedelta(seconds=rng.random() * span)
            local = created.astimezone(TZ)
            if not 7 <= local.hour < 21:  # residents order in the daytime
                created = created.replace(hour=rng.randint(7, 20))
            if created >= now:  # later today: earlier today, but still in its month
                created = max(start, now - dt.timedelta(minutes=rng.randint(5, 600)))
            nearby = volunteers_by_village.get(village.pk) or volunteers_by_town.get(
                village.town_id, []
            )
            if nearby and rng.random() < 0.3:
                nearby = volunteers_by_town.get(village.town_id, nearby)
            history.add(
                village=village,
                item=rng.choice(menu),
                created=created,
                reviews=reviews.get(village.pk, True),
                volunteers=nearby,
                teams=teams_by_village.get(village.pk, []),
            )

    _open_orders_for_demo_volunteer(ctx, history, menus, villages)
    _save(ctx, history)


def _open_orders_for_demo_volunteer(ctx, history: _History, menus, villages) -> None:
    """Open orders in 团结村 matching the demo volunteer's skills, and some they completed."""
    tuanjie = next(
        (v for v in villages if v.name == ARTICLE_VILLAGE and v.town.name == ARTICLE_TOWN), None
    )
    if tuanjie is None:
        return
    volunteer = demo_volunteer(tuanjie)
    if volunteer is None:
        return
    skills = set(
        VolunteerSkill.objects.filter(volunteer=volunteer).values_list("category_id", flat=True)
    )
    menu = menus.get(tuanjie.pk, [])
    matching = [item for item in menu if item.category_id in skills] or menu
    if not matching:
        return
    rng, now = ctx.rng, ctx.now
    for i in range(OPEN_IN_TUANJIE):
        history.add(
            village=tuanjie,
            item=rng.choice(matching if i < OPEN_IN_TUANJIE - 2 else menu),
            created=now - dt.timedelta(hours=rng.randint(2, 40)),
            reviews=False,
            volunteers=[],
            teams=[],
            final=S.OPEN,
        )
    for final, days in ((S.ACCEPTED, 2), (S.RATED, 20), (S.RATED, 45), (S.COMPLETED, 9)):
        history.add(
            village=tuanjie,
            item=rng.choice(matching),
            created=now - dt.timedelta(days=days),
            reviews=True,
            volunteers=[volunteer],
            teams=[],
            owner=volunteer,
            final=final,
        )


def _save(ctx: SeedContext, history: _History) -> None:
    # Numbers follow submission time within each (Asia/Shanghai) month.
    order_pairs = sorted(
        zip(history.orders, history.changes, strict=True), key=lambda p: p[0].created_at
    )
    counters: dict[str, int] = defaultdict(int)
    for order, _steps in order_pairs:
        month = order.created_at.astimezone(TZ).strftime("%Y%m")
        counters[month] += 1
        order.number = OrderNumberSequence.number(month, counters[month])
    orders = [o for o, _ in order_pairs]
    with _keep_given_timestamps():
        insert_objects(orders)
    # The status rows as plain tuples: 4-5 per order, model instances would cost more than
    # writing them.
    changes = insert_rows(
        OrderStatusChange,
        CHANGE_FIELDS,
        ((order.pk, *step) for order, steps in order_pairs for step in steps),
    )
    for month, last in counters.items():
        OrderNumberSequence.objects.update_or_create(month=month, defaults={"last": last})
    # The volunteers' totals include the hours of the orders they completed (summed here: one
    # bulk UPDATE instead of a correlated subquery per volunteer).
    earned: dict[int, Decimal] = defaultdict(Decimal)
    for order in orders:
        if order.accepted_by_id and order.hours:
            earned[order.accepted_by_id] += order.hours
    totals = Volunteer.objects.order_by("id").values_list("id", "hours_total")
    update_rows(
        Volunteer,
        ["hours_total"],
        [(pk, total + earned[pk]) for pk, total in totals if pk in earned],
    )
    if connection.vendor == "postgresql":
        # Fresh tables have no statistics (see events.demo): the later steps' reads of the
        # orders, the rollups' rebuild among them, would be planned as if they were empty.
        with connection.cursor() as cursor:
            for model in (Order, OrderStatusChange):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    ctx.stdout.write(
        "  "
        + gettext("%(orders)s 点单，%(changes)s 条状态记录")
        % {"orders": len(orders), "changes": changes}
    )

"""Demo wishes for ``seed_demo`` (心愿墙): residents' needs across the city in every state —
waiting for review, turned down, open, claimed, fulfilled, turned into a menu suggestion — and
a fixed set in 团结村, so the demo's ``station`` login finds its moderation queue in use and the
``volunteer`` login a wish it claimed.

Written through the wish services' own state changes (``wishes.services._approve`` …), so
every step has its ``WishStatusChange`` row; no login exists while seeding, so the steps carry
no actor (the permission checks belong to the public services). Then each wish's times are set
back from ``ctx.now`` (spread over the last half year; a fulfilled wish counts in the coverage
of the month it was fulfilled). Only ``ctx.rng`` is random.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from orders.demo_history import demo_volunteer
from orders.models import ServiceCategory
from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE
from stations.models import Village
from volunteers.models import Volunteer
from wishes import services
from wishes.models import MenuSuggestion, Wish, WishStatusChange

if TYPE_CHECKING:  # type only: wishes must not depend on portal at run time
    from portal.seeding import SeedContext

S = Wish.Status
WISHES_PER_SCALE = 60
# The fate of a wish drawn at random, with its weight.
FATES = (
    (S.SUBMITTED, 12),
    (S.REJECTED, 8),
    (S.OPEN, 20),
    (S.CLAIMED, 15),
    (S.FULFILLED, 35),
    (S.CONVERTED, 10),
)
# 团结村's own: two waiting for the station head, two open, one claimed by the demo volunteer,
# two fulfilled, one turned down, one turned into a menu suggestion.
ARTICLE_FATES = (
    S.SUBMITTED,
    S.SUBMITTED,
    S.OPEN,
    S.OPEN,
    S.CLAIMED,
    S.FULFILLED,
    S.FULFILLED,
    S.REJECTED,
    S.CONVERTED,
)
TEXTS = (
    "想请志愿者教老人用智能手机和孩子视频通话",
    "村东头路灯坏了两盏，晚上出门不方便",
    "希望周末有人给留守儿童辅导作业",
    "想学做家常菜的营养搭配",
    "家里老人腿脚不便，想请人帮忙理发",
    "想请人讲讲怎么防电信诈骗",
    "村里的小广场想添几张长椅",
    "希望有人教孩子们写毛笔字",
    "想请懂农技的志愿者看看果树的病虫害",
    "独居老人想有人每周来陪着说说话",
    "想学广场舞，希望有人来教",
    "家里的旧电视想请人帮忙调一调频道",
)
REASONS = (
    "属于村委会日常事务，已转交村委会处理",
    "涉及个人财物，不适合由志愿者承担",
    "内容不够具体，请补充后重新提交",
)
NOTES = (
    "已上门帮忙，老人很满意",
    "志愿者每周去一次，已坚持一个月",
    "已联系相关部门，问题已解决",
    "组织了一次小讲座，二十多人参加",
)
SUGGESTIONS = ("智能手机使用辅导", "老人上门理发", "防诈骗宣讲", "果树病虫害防治指导")


def seed(ctx: SeedContext) -> None:
    rng, now = ctx.rng, ctx.now
    categories = list(ServiceCategory.objects.order_by("sort_order", "id"))
    villages = list(Village.objects.order_by("id"))
    if not categories or not villages:
        return
    by_town: dict[int, list[int]] = defaultdict(list)
    for pk, town_id in Volunteer.objects.filter(is_active=True).values_list("pk", "town_id"):
        by_town[town_id].append(pk)
    claimers: dict[int, Volunteer] = {}

    def volunteer(pk: int) -> Volunteer:
        if pk not in claimers:
            claimers[pk] = Volunteer.objects.get(pk=pk)
        return claimers[pk]

    plan: list[tuple[Village, str, Volunteer | None]] = []
    fates, weights = zip(*FATES, strict=True)
    for _ in range(WISHES_PER_SCALE * ctx.scale):
        village = rng.choice(villages)
        fate = rng.choices(fates, weights=weights)[0]
        town_volunteers = by_town.get(village.town_id)
        if fate in (S.CLAIMED, S.FULFILLED) and not town_volunteers:
            fate = S.OPEN  # nobody in the town could have claimed it
        claimer = (
            volunteer(rng.choice(town_volunteers)) if fate in (S.CLAIMED, S.FULFILLED) else None
        )
        plan.append((village, fate, claimer))
    article = Village.objects.filter(name=ARTICLE_VILLAGE, town__name=ARTICLE_TOWN).first()
    if article is not None:
        the_volunteer = demo_volunteer(article)
        for fate in ARTICLE_FATES:
            if fate in (S.CLAIMED, S.FULFILLED) and the_volunteer is None:
                fate = S.OPEN
            claimer = the_volunteer if fate in (S.CLAIMED, S.FULFILLED) else None
            plan.append((article, fate, claimer))

    for village, fate, claimer in plan:
        _one(ctx, village, rng.choice(categories), fate, claimer, now)


def _one(ctx, village, category, fate, claimer, now: dt.datetime) -> None:
    rng = ctx.rng
    wish = services.wish_submit(
        village=village,
        category=category,
        description=rng.choice(TEXTS),
        phone=ctx.mobile(),
        name=ctx.person_name() if rng.random() < 0.6 else "",
    )
    # Times, newest last: waiting wishes are recent, settled ones spread over half a year.
    age = dt.timedelta(
        hours=rng.uniform(2, 96) if fate == S.SUBMITTED else rng.uniform(3, 180) * 24
    )
    created = now - age
    times = {S.SUBMITTED: created}
    if fate == S.REJECTED:
        services._reject(wish, actor=None, reason=rng.choice(REASONS))
        times[S.REJECTED] = _after(rng, created, now, hours=(2, 48))
    elif fate == S.CONVERTED:
        services._suggest(wish, actor=None, title=rng.choice(SUGGESTIONS), description="")
        times[S.CONVERTED] = _after(rng, created, now, hours=(2, 72))
    elif fate != S.SUBMITTED:
        services._approve(wish, actor=None)
        times[S.OPEN] = _after(rng, created, now, hours=(1, 48))
        if fate in (S.CLAIMED, S.FULFILLED):
            services._claim(wish, actor=None, volunteer=claimer)
            times[S.CLAIMED] = _after(rng, times[S.OPEN], now, hours=(1, 24 * 7))
        if fate == S.FULFILLED:
            services._fulfil(wish, actor=None, note=rng.choice(NOTES))
            times[S.FULFILLED] = _after(rng, times[S.CLAIMED], now, hours=(24, 24 * 14))
    _set_times(wish, times)


def _after(rng, start: dt.datetime, now: dt.datetime, *, hours: tuple[float, float]) -> dt.datetime:
    """A moment some hours after ``start``, never later than a minute before ``now``."""
    return min(start + dt.timedelta(hours=rng.uniform(*hours)), now - dt.timedelta(minutes=1))


def _set_times(wish: Wish, times: dict[str, dt.datetime]) -> None:
    last = max(times.values())
    fields = {"created_at": times[S.SUBMITTED], "updated_at": last}
    if S.OPEN in times:
        fields["approved_at"] = times[S.OPEN]
    if S.CLAIMED in times:
        fields["claimed_at"] = times[S.CLAIMED]
    if S.FULFILLED in times:
        fields["fulfilled_at"] = times[S.FULFILLED]
    if S.REJECTED in times or S.CONVERTED in times:
        fields["closed_at"] = last
    Wish.objects.filter(pk=wish.pk).update(**fields)
    for status, at in times.items():
        WishStatusChange.objects.filter(wish=wish, to_status=status).update(created_at=at)
    if S.CONVERTED in times:
        MenuSuggestion.objects.filter(wish=wish).update(created_at=times[S.CONVERTED])

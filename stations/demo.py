"""Demo places: 滕州市, its 21 towns, 1,224 villages × scale, and a position for every one of them.

The town list and village counts are demo data shaped like Tengzhou (DOMAIN.md): 5 subdistricts
(街道) with mostly communities, 16 towns (镇) with mostly villages. 团结村 of 洪绪镇, the village of
the article, is always present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext

from core import pinyin
from core.bulk import insert_objects
from stations import demo_names
from stations.models import City, Position, Town, Village

if TYPE_CHECKING:  # type only: stations must not depend on portal at run time
    from portal.seeding import SeedContext

CITY_NAME = "滕州市"
CITY_CODE = "370481"
ARTICLE_TOWN = "洪绪镇"
ARTICLE_VILLAGE = "团结村"

# (name, kind, villages at scale 1). The counts add up to 1,224.
TOWNS: tuple[tuple[str, str, int], ...] = (
    ("龙泉街道", Town.Kind.SUBDISTRICT, 32),
    ("荆河街道", Town.Kind.SUBDISTRICT, 38),
    ("善南街道", Town.Kind.SUBDISTRICT, 44),
    ("北辛街道", Town.Kind.SUBDISTRICT, 36),
    ("东沙河街道", Town.Kind.SUBDISTRICT, 52),
    ("洪绪镇", Town.Kind.TOWN, 58),
    ("南沙河镇", Town.Kind.TOWN, 63),
    ("大坞镇", Town.Kind.TOWN, 66),
    ("滨湖镇", Town.Kind.TOWN, 69),
    ("级索镇", Town.Kind.TOWN, 67),
    ("西岗镇", Town.Kind.TOWN, 66),
    ("姜屯镇", Town.Kind.TOWN, 74),
    ("鲍沟镇", Town.Kind.TOWN, 59),
    ("张汪镇", Town.Kind.TOWN, 62),
    ("官桥镇", Town.Kind.TOWN, 68),
    ("柴胡店镇", Town.Kind.TOWN, 64),
    ("羊庄镇", Town.Kind.TOWN, 66),
    ("木石镇", Town.Kind.TOWN, 61),
    ("界河镇", Town.Kind.TOWN, 70),
    ("龙阳镇", Town.Kind.TOWN, 52),
    ("东郭镇", Town.Kind.TOWN, 57),
)
VILLAGES_AT_SCALE_1 = 1224
assert sum(n for _, _, n in TOWNS) == VILLAGES_AT_SCALE_1  # noqa: S101 - a data-table invariant

# City venues that are city-level sub-centres (DOMAIN.md §1).
CITY_VENUES: tuple[tuple[str, str, str], ...] = (
    ("龙泉广场“一塔六馆”新时代文明实践分中心", "龙泉广场“一塔六馆”", "滕州市龙泉广场"),
    ("滕州市图书馆新时代文明实践分中心", "滕州市图书馆", "滕州市学院中路"),
    ("滕州市大剧院新时代文明实践分中心", "滕州市大剧院", "滕州市龙泉广场东侧"),
    ("滕州市体育中心新时代文明实践分中心", "滕州市体育中心", "滕州市平行路"),
    ("滕州市青少年宫新时代文明实践分中心", "滕州市青少年宫", "滕州市杏坛路"),
)

VILLAGE_VENUES = (
    "综合文化服务中心", "农家书屋", "村史馆", "孔子学堂", "党群服务中心", "文化大院",
    "老年活动中心", "儒学讲堂", "文明实践广场",
)  # fmt: skip
COMMUNITY_VENUES = ("社区综合服务中心", "社区党群服务中心", "邻里中心", "社区书屋", "孔子学堂")
OPENING_HOURS = (
    "周一至周五 8:30-12:00，14:00-17:30",
    "周二至周日 9:00-17:00",
    "每天 8:00-11:30，14:30-18:00",
    "周一至周六 9:00-17:00（农忙时节另行通知）",
)
# Share of communities (社区) among a place's villages.
COMMUNITY_SHARE = {Town.Kind.SUBDISTRICT: 0.6, Town.Kind.TOWN: 0.05}


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng
    city = City.objects.create(name=CITY_NAME, code=CITY_CODE)
    towns = Town.objects.bulk_create(
        Town(city=city, name=name, kind=kind, code=f"{CITY_CODE}{i + 1:03d}", sort_order=i + 1)
        for i, (name, kind, _) in enumerate(TOWNS)
    )

    villages: list[Village] = []
    rows = zip(towns, TOWNS, strict=True)
    for town, (_, kind, base) in ctx.progress(rows, len(towns), gettext("村（社区）")):
        count = base * ctx.scale
        reserved = (ARTICLE_VILLAGE,)
        kinds = [
            Village.Kind.COMMUNITY if rng.random() < COMMUNITY_SHARE[kind] else Village.Kind.VILLAGE
            for _ in range(count)
        ]
        if town.name == ARTICLE_TOWN:
            kinds[0] = Village.Kind.VILLAGE  # becomes 团结村 below
        names = demo_names.village_names(rng, town_name=town.name, kinds=kinds, reserved=reserved)
        if town.name == ARTICLE_TOWN:
            names[0] = ARTICLE_VILLAGE
        for n, (name, vkind) in enumerate(zip(names, kinds, strict=True)):
            villages.append(
                Village(
                    town=town,
                    name=name,
                    name_pinyin=pinyin.search_key(name),  # bulk_create skips save()
                    kind=vkind,
                    # 12 digits hold 999 villages a town; a town stretched past that by
                    # --scale (a province is more towns, not bigger ones) has no code.
                    code=f"{town.code}{n + 1:03d}" if n < 999 else "",
                    population=rng.randint(3000, 15000)
                    if vkind == Village.Kind.COMMUNITY
                    else rng.randint(600, 4000),
                )
            )
    villages = insert_objects(villages)

    positions = [
        Position(
            level=Position.Level.CENTRE,
            name="滕州市新时代文明实践中心",
            city=city,
            venue="滕州市文化中心",
            address="山东省滕州市龙泉广场",
            opening_hours="周一至周日 9:00-17:00",
            head_name=ctx.person_name(),
            head_phone="0632-5512345",
        )
    ]
    for name, venue, address in CITY_VENUES:
        positions.append(
            Position(
                level=Position.Level.SUBCENTRE,
                name=name,
                city=city,
                venue=venue,
                address=f"山东省{address}",
                opening_hours="周二至周日 9:00-17:00",
                head_name=ctx.person_name(),
                head_phone=ctx.mobile(),
            )
        )
    for town in towns:
        positions.append(
            Position(
                level=Position.Level.SUBCENTRE,
                name=f"{town.name}新时代文明实践所",
                city=city,
                town=town,
                venue="综合文化站",
                address=f"山东省滕州市{town.name}人民政府院内",
                opening_hours="周一至周五 8:30-17:30",
                head_name=ctx.person_name(),
                head_phone=ctx.mobile(),
            )
        )
    for village in ctx.progress(villages, len(villages), gettext("实践站")):
        venues = VILLAGE_VENUES if village.kind == Village.Kind.VILLAGE else COMMUNITY_VENUES
        venue = rng.choice(venues)
        positions.append(
            Position(
                level=Position.Level.STATION,
                name=f"{village.name}新时代文明实践站",
                city=city,
                town=village.town,
                village=village,
                venue=venue,
                address=f"山东省滕州市{village.town.name}{village.name}{venue}",
                opening_hours=rng.choice(OPENING_HOURS),
                head_name=ctx.person_name(),
                head_phone=ctx.mobile(),
            )
        )
    insert_objects(positions)
    ctx.stdout.write(
        "  "
        + gettext("%(towns)s 镇（街道），%(villages)s 村（社区），%(positions)s 实践阵地")
        % {"towns": len(towns), "villages": len(villages), "positions": len(positions)}
    )

"""Demo volunteer organisation ("1+N"): the general team, 12 characteristic detachments, a
detachment with squads in every town, a team in every village, and several thousand volunteers.

As in the article, the heads of positions captain the teams: the village party secretary (the
station head) captains the village team, the town party secretary (the sub-centre head) the town
detachment, the centre director the general team. Their volunteer rows carry the same names.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from core.bulk import insert_objects
from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE
from stations.models import City, Position, Town, Village
from volunteers.models import Membership, Team, Volunteer, VolunteerStanding
from volunteers.services import start_of

if TYPE_CHECKING:  # type only: volunteers must not depend on portal at run time
    from portal.seeding import SeedContext

GENERAL_TEAM = "滕州市志愿服务总队"
# The article names the first three ("党员、青年、巾帼等12个"); nine more are editable defaults.
DETACHMENTS: tuple[tuple[str, str], ...] = (
    ("党员志愿服务支队", "由机关和农村党员组成，开展政策宣讲、结对帮扶。"),
    ("青年志愿服务支队", "由团员青年组成，开展助学、环保、文明交通等服务。"),
    ("巾帼志愿服务支队", "由妇联组织，开展家庭教育、关爱留守儿童、移风易俗。"),
    ("理论宣讲志愿服务支队", "百姓宣讲团，用群众语言讲政策、讲身边事。"),
    ("文化文艺志愿服务支队", "送戏下乡、广场舞、书画、地方戏曲。"),
    ("科技科普志愿服务支队", "农技指导、科普讲座、防范电信诈骗。"),
    ("法律服务志愿服务支队", "法律咨询、民法典宣讲、矛盾调解。"),
    ("卫生健康志愿服务支队", "义诊、健康讲座、无偿献血动员。"),
    ("教育助学志愿服务支队", "课后辅导、家庭教育讲座、助学帮扶。"),
    ("体育健身志愿服务支队", "全民健身指导、太极拳、健身器材维护。"),
    ("生态环保志愿服务支队", "人居环境整治、垃圾分类、护河巡河。"),
    ("扶贫帮困志愿服务支队", "关爱独居老人、困难家庭、残疾人。"),
)
SQUAD_THEMES = (
    "理论宣讲", "文艺演出", "法律服务", "卫生健康", "平安巡逻", "环境整治", "关爱帮扶",
    "科普宣传", "移风易俗", "文明交通",
)  # fmt: skip
ARTICLE_VILLAGE_VOLUNTEERS = 40
VOLUNTEERS_PER_VILLAGE = (2, 8)  # inclusive range; ~5 on average → ~6,000 at scale 1


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng
    today = ctx.now.date()
    city = City.objects.get()
    towns = list(Town.objects.order_by("sort_order", "id"))
    town_names = {t.id: t.name for t in towns}
    villages = list(Village.objects.order_by("id"))
    heads = {
        (p.level, p.town_id, p.village_id): (p.head_name, p.head_phone)
        for p in Position.objects.only("level", "town_id", "village_id", "head_name", "head_phone")
    }

    # Volunteers first, so teams can be created with their captains in one insert each.
    volunteers: list[Volunteer] = []
    by_village: dict[int, list[Volunteer]] = {}
    for village in ctx.progress(villages, len(villages), gettext("志愿者")):
        is_article = village.name == ARTICLE_VILLAGE and town_names[village.town_id] == ARTICLE_TOWN
        count = ARTICLE_VILLAGE_VOLUNTEERS if is_article else rng.randint(*VOLUNTEERS_PER_VILLAGE)
        head_name, head_phone = heads[(Position.Level.STATION, village.town_id, village.id)]
        people = []
        for i in range(count):
            name, phone = (head_name, head_phone) if i == 0 else (ctx.person_name(), ctx.mobile())
            people.append(
                Volunteer(
                    name=name,
                    phone=phone,
                    home_village=village,
                    town_id=village.town_id,  # bulk_create skips save(): keep the denormalised town
                    is_active=i == 0 or rng.random() < 0.95,
                    joined_on=today - timedelta(days=rng.randint(0, 6 * 365)),
                )
            )
        by_village[village.id] = people
        volunteers.extend(people)

    # The town and city heads live in one of their villages (never 团结村: it has exactly 40).
    villages_of_town: dict[int, list[Village]] = {}
    for village in villages:
        villages_of_town.setdefault(village.town_id, []).append(village)
    town_captain: dict[int, Volunteer] = {}
    for town in towns:
        home = villages_of_town[town.id][-1]
        captain = by_village[home.id][1]
        captain.name, captain.phone = heads[(Position.Level.SUBCENTRE, town.id, None)]
        captain.is_active = True
        town_captain[town.id] = captain
    general_captain = by_village[villages_of_town[towns[0].id][0].id][1]
    general_captain.name, general_captain.phone = heads[(Position.Level.CENTRE, None, None)]
    general_captain.is_active = True

    insert_objects(volunteers)
    _seed_standings(volunteers, ctx.now)

    general = Team.objects.create(
        name=GENERAL_TEAM,
        kind=Team.Kind.GENERAL,
        city=city,
        captain=general_captain,
        description="全市志愿服务的总队，由市新时代文明实践中心主任任总队长。",
    )
    # Detachment members: a sample of all volunteers; the first member captains.
    detachment_members = [rng.sample(volunteers, rng.randint(25, 60)) for _ in DETACHMENTS]
    detachments = Team.objects.bulk_create(
        Team(
            name=name,
            kind=Team.Kind.DETACHMENT,
            parent=general,
            city=city,
            captain=members[0],
            description=description,
            sort_order=i + 1,
        )
        for i, ((name, description), members) in enumerate(
            zip(DETACHMENTS, detachment_members, strict=True)
        )
    )
    town_detachments = Team.objects.bulk_create(
        Team(
            name=f"{town.name}志愿服务支队",
            kind=Team.Kind.TOWN_DETACHMENT,
            parent=general,
            city=city,
            town=town,
            captain=town_captain[town.id],
            sort_order=town.sort_order,
        )
        for town in towns
    )
    squads: list[Team] = []
    squad_members: list[list[Volunteer]] = []
    for town, detachment in zip(towns, town_detachments, strict=True):
        town_volunteers = [v for vil in villages_of_town[town.id] for v in by_village[vil.id]]
        for n, theme in enumerate(rng.sample(SQUAD_THEMES, rng.randint(3, 5))):
            members = rng.sample(town_volunteers, min(len(town_volunteers), rng.randint(8, 20)))
            squad_members.append(members)
            squads.append(
                Team(
                    name=f"{town.name}{theme}志愿服务小队",
                    kind=Team.Kind.SQUAD,
                    parent=detachment,
                    city=city,
                    town=town,
                    captain=members[0],
                    sort_order=n + 1,
                )
            )
    squads = Team.objects.bulk_create(squads)
    detachment_of_town = {t.town_id: t for t in town_detachments}
    village_teams = Team.objects.bulk_create(
        (
            Team(
                name=f"{village.name}志愿服务队",
                kind=Team.Kind.VILLAGE_TEAM,
                parent=detachment_of_town[village.town_id],
                city=city,
                town_id=village.town_id,
                village=village,
                captain=by_village[village.id][0],
            )
            for village in villages
        ),
        batch_size=1000,
    )

    memberships: list[Membership] = []
    for team, members in [
        *zip(detachments, detachment_members, strict=True),
        *zip(squads, squad_members, strict=True),
        *((t, by_village[t.village_id]) for t in village_teams),
    ]:
        memberships.extend(
            Membership(team=team, volunteer=v, joined_on=v.joined_on) for v in members
        )
    # The town heads also belong to their town detachment, the centre director to the general team.
    memberships.extend(
        Membership(team=t, volunteer=t.captain, joined_on=t.captain.joined_on)
        for t in (general, *town_detachments)
    )
    insert_objects(memberships)
    ctx.stdout.write(
        "  "
        + gettext(
            "%(volunteers)s 志愿者；1 总队，%(detachments)s 特色支队，%(town_detachments)s 镇街"
            "支队，%(squads)s 小队，%(village_teams)s 村级队伍；%(memberships)s 队员关系"
        )
        % {
            "volunteers": len(volunteers),
            "detachments": len(detachments),
            "town_detachments": len(town_detachments),
            "squads": len(squads),
            "village_teams": len(village_teams),
            "memberships": len(memberships),
        }
    )


def _seed_standings(volunteers: list[Volunteer], now) -> None:
    """The standing history the reports count teams from (bulk_create sends no signal): every
    volunteer active in their village from the day they joined; an inactive one left on a day
    between joining and now (spread by id, so the same seed gives the same history)."""
    rows = []
    for v in volunteers:
        joined = min(start_of(v.joined_on), now)
        rows.append(
            VolunteerStanding(
                volunteer=v,
                village_id=v.home_village_id,
                town_id=v.town_id,
                is_active=True,
                since=joined,
            )
        )
        if not v.is_active:
            left = joined + (now - joined) * ((v.pk * 37) % 97 + 1) / 99
            rows.append(
                VolunteerStanding(
                    volunteer=v,
                    village_id=v.home_village_id,
                    town_id=v.town_id,
                    is_active=False,
                    since=left,
                )
            )
    insert_objects(rows)

"""A small, deterministic dataset for fuzzing the API (``.ci/schemathesis.sh``).

Two towns, three villages with stations, a menu of each reach, teams and volunteers, one login
per role with a fixed API token, a handful of orders in different states and a few events.
Prints ``ROLE=TOKEN`` lines for the calling script. Meant for an empty database: it refuses to
run when any town exists, so it can never touch real data.

The API schema's request examples name this data (village 1, menu item 1, volunteer 1, the
station head ``head-tuanjie`` with ``EXAMPLE_PASSWORD``, the month ``EXAMPLE_MONTH``), and
``tests/api/test_schema_examples.py`` sends each of them to the API on it: change both together.
"""

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from orders.models import MenuItem, Platform, ServiceCategory, TargetGroup, VolunteerSkill
from stations.models import City, Position, Role, Town, Village
from volunteers.models import Membership, Team, Volunteer

ROLES = ["city_admin", "town_admin", "station_head", "volunteer"]
# The login and month the schema's examples use (config/api_auth.py, events/api/schema.py).
EXAMPLE_PASSWORD = "tuanjie-2026"  # noqa: S105 (an empty fuzz database only; documented)
EXAMPLE_MONTH = dt.date(2026, 12, 1)


def fixed_token(role: str) -> str:
    """The same token every run, so a failing fuzz case can be replayed by hand."""
    return hashlib.sha1(f"wenming-fuzz-{role}".encode(), usedforsecurity=False).hexdigest()


class Command(BaseCommand):
    help = "Seed a small deterministic dataset and one API token per role (for schemathesis)."

    def handle(self, *args, **options):
        if Town.objects.exists():
            raise CommandError("The database already has places; use an empty database.")
        with transaction.atomic():
            users = self._seed()
        for role, user in users.items():
            token = Token.objects.create(user=user, key=fixed_token(role))
            self.stdout.write(f"{role}={token.key}")

    def _seed(self) -> dict:
        User = get_user_model()
        city = City.objects.create(name="滕州市", code="370481")
        hongxu = Town.objects.create(city=city, name="洪绪镇", sort_order=1)
        longquan = Town.objects.create(
            city=city, name="龙泉街道", kind=Town.Kind.SUBDISTRICT, sort_order=2
        )
        tuanjie = Village.objects.create(town=hongxu, name="团结村", population=1800)
        qianjin = Village.objects.create(town=hongxu, name="前进村")
        shequ = Village.objects.create(town=longquan, name="龙泉社区", kind=Village.Kind.COMMUNITY)
        Position.objects.create(
            level=Position.Level.CENTRE, name="滕州市新时代文明实践中心", city=city
        )
        Position.objects.create(
            level=Position.Level.SUBCENTRE, name="洪绪镇新时代文明实践所", city=city, town=hongxu
        )
        stations = {}
        for village in (tuanjie, qianjin, shequ):
            stations[village.pk] = Position.objects.create(
                level=Position.Level.STATION,
                name=f"{village.name}新时代文明实践站",
                city=city,
                town=village.town,
                village=village,
                address=f"{village.town.name}{village.name}村委会",
                head_name="王站长",
                head_phone="13800000001",
                # 前进村 opens orders at once; the others review them first.
                review_orders=village != qianjin,
            )

        theory = Platform.objects.create(name="理论宣讲", sort_order=1)
        health = Platform.objects.create(name="卫生健康", sort_order=2)
        lecture = ServiceCategory.objects.create(name="文明宣讲", code="lecture", sort_order=1)
        aid = ServiceCategory.objects.create(name="帮扶", code="aid", sort_order=2)

        general = Team.objects.create(name="志愿服务总队", kind=Team.Kind.GENERAL, city=city)
        Team.objects.create(
            name="党员志愿服务支队", kind=Team.Kind.DETACHMENT, city=city, parent=general
        )
        town_team = Team.objects.create(
            name="洪绪镇志愿服务支队",
            kind=Team.Kind.TOWN_DETACHMENT,
            city=city,
            town=hongxu,
            parent=general,
        )
        village_team = Team.objects.create(
            name="团结村志愿服务队",
            kind=Team.Kind.VILLAGE_TEAM,
            city=city,
            town=hongxu,
            village=tuanjie,
            parent=town_team,
        )

        MenuItem.objects.create(title="党的理论政策宣讲", platform=theory, category=lecture)
        towns_item = MenuItem.objects.create(
            title="义诊进村", platform=health, category=aid, reach=MenuItem.Reach.TOWNS
        )
        towns_item.towns.set([hongxu])
        village_item = MenuItem.objects.create(
            title="独居老人上门帮扶",
            platform=health,
            category=aid,
            team=village_team,
            reach=MenuItem.Reach.VILLAGES,
            target_group=TargetGroup.ELDERLY_ALONE,
        )
        village_item.villages.set([tuanjie, shequ])

        users = {
            "city_admin": User.objects.create_user("fuzz-city", first_name="市管理员"),
            "town_admin": User.objects.create_user("fuzz-town", first_name="镇管理员"),
            "station_head": User.objects.create_user(
                "head-tuanjie", password=EXAMPLE_PASSWORD, first_name="王站长"
            ),
            "volunteer": User.objects.create_user("fuzz-volunteer", first_name="张明"),
        }
        Role.objects.create(user=users["city_admin"], kind=Role.Kind.CITY_ADMIN, city=city)
        Role.objects.create(
            user=users["town_admin"], kind=Role.Kind.TOWN_ADMIN, city=city, town=hongxu
        )
        Role.objects.create(
            user=users["station_head"],
            kind=Role.Kind.STATION_HEAD,
            city=city,
            position=stations[tuanjie.pk],
        )
        volunteers = [
            Volunteer.objects.create(
                name="张明", phone="13900001111", home_village=tuanjie, user=users["volunteer"]
            ),
            Volunteer.objects.create(name="李华", phone="13900002222", home_village=tuanjie),
            Volunteer.objects.create(name="赵敏", phone="13900003333", home_village=shequ),
        ]
        for vol in volunteers[:2]:
            Membership.objects.create(team=village_team, volunteer=vol)
            VolunteerSkill.objects.create(volunteer=vol, category=lecture)

        self._seed_orders(tuanjie, qianjin, users, volunteers)
        self._seed_events(users["city_admin"], tuanjie, hongxu, lecture)
        self._seed_points(users["station_head"], tuanjie, volunteers[0])
        self._seed_wishes(users, tuanjie, shequ, lecture)
        return users

    def _seed_orders(self, tuanjie, qianjin, users, volunteers) -> None:
        try:
            from orders import services, submission
        except ImportError:  # the workflow has not landed yet: places and people only
            return
        item = MenuItem.objects.get(reach=MenuItem.Reach.CITYWIDE)
        head, vol_user = users["station_head"], users["volunteer"]
        made = []
        for i in range(9):
            village = tuanjie if i % 2 == 0 else qianjin
            result = submission.order_submit(
                village=village,
                menu_item=item,
                name=f"居民{i}",
                phone=f"1381234{i:04d}",
                description="需要一次政策宣讲",
                people=1 + i,
            )
            made.append(result.order)
        # One order in each state the workflow reaches from 团结村.
        services.order_approve(order_id=made[0].id, actor=head)
        services.order_approve(order_id=made[2].id, actor=head)
        services.order_claim(order_id=made[2].id, actor=vol_user)
        services.order_approve(order_id=made[4].id, actor=head)
        services.order_assign(order_id=made[4].id, actor=head, volunteer_id=volunteers[0].id)
        services.order_complete(order_id=made[4].id, actor=vol_user, hours="2.5", note="已完成")
        services.order_reject(order_id=made[6].id, actor=head, reason="重复提交")
        # made[8] (团结村) stays submitted, for the station head to review.

    def _seed_events(self, admin, tuanjie, hongxu, lecture) -> None:
        try:
            from events import services
        except ImportError:
            return
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
        for i, (village, town) in enumerate([(tuanjie, None), (None, hongxu), (None, None)]):
            event = services.event_create(
                user=admin,
                title=f"文明宣讲活动{i}",
                category=lecture,
                start=start + dt.timedelta(days=i),
                end=start + dt.timedelta(days=i, hours=2),
                village=village,
                town=town,
                venue_address="村文化广场",
            )
            services.event_plan(user=admin, event=event)
            if i < 2:
                services.event_publish(user=admin, event=event)
        # A draft in 团结村 in the example month: the station head's plan for it can be submitted.
        services.event_create(
            user=admin,
            title="民法典进村宣讲",
            category=lecture,
            start=dt.datetime(2026, 12, 12, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            end=dt.datetime(2026, 12, 12, 11, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            village=tuanjie,
            organiser_position=Position.objects.get(level=Position.Level.STATION, village=tuanjie),
            venue_address="村文化广场",
        )
        from events.calendar import calendar_compile

        calendar_compile(month=EXAMPLE_MONTH)  # GET /api/calendars/2026-12/ finds a calendar

    def _seed_points(self, head, tuanjie, volunteer) -> None:
        """Service record 1 is order 5's, pending; record 2 is confirmed (30 points for
        volunteer 1); reward 1 is on the shelf at 团结村's station (position 3); certificate 1
        covers this year."""
        from volunteers import certificates, points, records

        station = Position.objects.get(level=Position.Level.STATION, village=tuanjie)
        today = timezone.localdate()
        record, _created = records.record_create(
            volunteer=volunteer,
            hours="3.0",
            service_date=today,
            content="村史馆讲解",
            category="文明宣讲",
            village=tuanjie,
            organiser_position=station,
            recorded_by=head,
        )
        records.record_confirm(record_id=record.pk, actor=head)
        points.reward_create(actor=head, position_id=station.pk, name="洗衣粉", points=10, stock=5)
        certificates.certificate_issue(
            volunteer_id=volunteer.pk,
            actor=head,
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
        )

    def _seed_wishes(self, users, tuanjie, shequ, lecture) -> None:
        """Wish 1 waits for review in 团结村, wish 2 is open there, wish 3 is claimed by the
        volunteer, wish 4 is fulfilled; wish 5 waits in 龙泉社区 (another town)."""
        from wishes import services

        head, vol_user = users["station_head"], users["volunteer"]
        texts = ["想请人教老人用智能手机", "村口长椅坏了", "想学八段锦", "辅导孩子作业", "修自行车"]
        wishes = [
            services.wish_submit(
                village=tuanjie if i < 4 else shequ,
                category=lecture,
                description=text,
                phone=f"1370000{i:04d}",
            )
            for i, text in enumerate(texts)
        ]
        for wish in wishes[1:4]:
            services.wish_approve(wish_id=wish.pk, actor=head)
        for wish in wishes[2:4]:
            services.wish_claim(wish_id=wish.pk, actor=vol_user)
        services.wish_fulfil(wish_id=wishes[3].pk, actor=vol_user, note="每周辅导一次")

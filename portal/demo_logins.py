"""The five demo logins of ``manage.py demo``: one per kind of user, all in 洪绪镇/团结村.

Created only by the demo command, which refuses to run with DEBUG off: a known password must
never reach a production database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy

from orders.models import ServiceCategory, VolunteerSkill
from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE
from stations.models import City, Position, Role, Town
from volunteers.models import Volunteer

CITY_STAFF_GROUP = "市级管理员"
# The city centre runs the catalogue, teams and calendar in the admin (DOMAIN.md §6).
CITY_STAFF_APPS = ("stations", "volunteers", "orders", "events", "reports")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # lazy: translated when printed; may name %(town)s and %(village)s

    @property
    def description(self) -> str:
        return str(self.role) % {"town": ARTICLE_TOWN, "village": ARTICLE_VILLAGE}


LOGINS = (
    DemoLogin("admin", gettext_lazy("超级管理员 (superuser)")),
    DemoLogin("city", gettext_lazy("市级管理员：滕州市新时代文明实践中心 (city admin)")),
    DemoLogin("town", gettext_lazy("镇街管理员：%(town)s (town admin)")),
    DemoLogin("station", gettext_lazy("站长：%(village)s实践站 (station head)")),
    DemoLogin("volunteer", gettext_lazy("志愿者：%(village)s (volunteer)")),
)


@transaction.atomic
def ensure_demo_logins(*, password: str) -> dict[str, object]:
    """Create or refresh the five demo logins; safe to run again (idempotent).

    Needs the demo places (滕州市, 洪绪镇, 团结村 and its station); raises ``LookupError`` when
    they are missing.
    """
    try:
        city = City.objects.get()
        town = Town.objects.get(city=city, name=ARTICLE_TOWN)
        station = Position.objects.select_related("village").get(
            level=Position.Level.STATION, village__town=town, village__name=ARTICLE_VILLAGE
        )
    except (City.DoesNotExist, City.MultipleObjectsReturned, Town.DoesNotExist) as exc:
        raise LookupError("demo places are missing; run seed_demo first") from exc
    except Position.DoesNotExist as exc:
        raise LookupError(f"{ARTICLE_VILLAGE} has no station; run seed_demo --reset") from exc

    subcentre = Position.objects.filter(level=Position.Level.SUBCENTRE, town=town).first()
    users = {
        "admin": _user("admin", password, first_name="系统管理员", superuser=True),
        "city": _user("city", password, first_name="市文明实践中心", staff=True),
        "town": _user(
            "town", password, first_name=subcentre.head_name if subcentre else "镇街管理员"
        ),
        "station": _user("station", password, first_name=station.head_name or "站长"),
    }
    city_group, _ = Group.objects.get_or_create(name=CITY_STAFF_GROUP)
    city_group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=CITY_STAFF_APPS)
    )
    users["city"].groups.add(city_group)

    Role.objects.get_or_create(user=users["city"], kind=Role.Kind.CITY_ADMIN, city=city)
    Role.objects.get_or_create(user=users["town"], kind=Role.Kind.TOWN_ADMIN, city=city, town=town)
    Role.objects.get_or_create(
        user=users["station"],
        kind=Role.Kind.STATION_HEAD,
        city=city,
        town=town,
        position=station,
    )
    if station.head_user_id != users["station"].pk:
        station.head_user = users["station"]
        station.save(update_fields=["head_user"])

    # The volunteer login: one of 团结村's volunteers (not the captain, who is the station head).
    user = _user("volunteer", password)
    profile = Volunteer.objects.filter(user=user).first()
    if profile is None:
        profile = (
            Volunteer.objects.filter(home_village=station.village, user__isnull=True)
            .exclude(captained_teams__isnull=False)
            .order_by("id")
            .first()
        )
        if profile is None:
            raise LookupError(f"{ARTICLE_VILLAGE} has no volunteer to link; run seed_demo --reset")
        profile.user = user
        profile.is_active = True
        profile.save(update_fields=["user", "is_active"])
    if not profile.skill_links.exists():
        category = ServiceCategory.objects.order_by("sort_order").first()
        if category is not None:
            VolunteerSkill.objects.create(volunteer=profile, category=category)
    if user.first_name != profile.name:
        user.first_name = profile.name
        user.save(update_fields=["first_name"])
    users["volunteer"] = user
    return users


def _user(username: str, password: str, *, first_name: str = "", staff=False, superuser=False):
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.first_name = first_name or user.first_name
    user.is_staff = staff or superuser
    user.is_superuser = superuser
    user.is_active = True
    user.set_password(password)
    user.save()
    return user

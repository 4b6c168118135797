"""Factories for the foundation models. Each later app keeps its own in tests/<app>/factories.py."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from orders.models import MenuItem, Platform, ServiceCategory
from stations.models import City, Position, Role, Town, Village
from volunteers.models import Membership, Team, Volunteer

PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("name",)

    name = "滕州市"


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ("city", "name")

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"测试{n}镇")
    kind = Town.Kind.TOWN


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("town", "name")

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"测试{n}村")
    kind = Village.Kind.VILLAGE


class StationFactory(factory.django.DjangoModelFactory):
    """A village's practice station (实践站)."""

    class Meta:
        model = Position

    level = Position.Level.STATION
    village = factory.SubFactory(VillageFactory)
    town = factory.SelfAttribute("village.town")
    city = factory.SelfAttribute("village.town.city")
    name = factory.LazyAttribute(lambda o: f"{o.village.name}新时代文明实践站")
    address = factory.LazyAttribute(lambda o: f"{o.village.town.name}{o.village.name}村委会")
    opening_hours = "周一至周五 8:30-17:30"
    head_name = "王站长"
    head_phone = "13800000001"


class SubcentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    level = Position.Level.SUBCENTRE
    town = factory.SubFactory(TownFactory)
    city = factory.SelfAttribute("town.city")
    name = factory.LazyAttribute(lambda o: f"{o.town.name}新时代文明实践所")
    address = factory.LazyAttribute(lambda o: f"{o.town.name}综合文化站")
    opening_hours = "周一至周日 9:00-17:00"


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.CITY_ADMIN
    city = factory.SubFactory(CityFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"志愿服务队{n}")
    kind = Team.Kind.VILLAGE_TEAM
    village = factory.SubFactory(VillageFactory)
    town = factory.SelfAttribute("village.town")
    city = factory.SelfAttribute("village.town.city")


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    name = factory.Sequence(lambda n: f"志愿者{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    home_village = factory.SubFactory(VillageFactory)
    town = factory.SelfAttribute("home_village.town")
    # Long enough ago that every month a test reports on counts them (reports read the
    # standing history, which starts on the day a volunteer joined).
    joined_on = dt.date(2025, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    volunteer = factory.SubFactory(VolunteerFactory)


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"平台{n}")


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"类别{n}")
    code = factory.Sequence(lambda n: f"cat{n}")


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem

    title = factory.Sequence(lambda n: f"服务项{n}")
    platform = factory.SubFactory(PlatformFactory)
    category = factory.SubFactory(ServiceCategoryFactory)
    reach = MenuItem.Reach.CITYWIDE

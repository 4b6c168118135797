"""Query-string filters for the place lists (``?town=3&kind=village``)."""

import django_filters

from stations.models import City, Position, Town, Village


class TownFilter(django_filters.FilterSet):
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all())

    class Meta:
        model = Town
        fields = ["city", "kind"]


class VillageFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(queryset=Town.objects.all())
    city = django_filters.ModelChoiceFilter(field_name="town__city", queryset=City.objects.all())

    class Meta:
        model = Village
        fields = ["town", "city", "kind"]


class PositionFilter(django_filters.FilterSet):
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all())
    town = django_filters.ModelChoiceFilter(queryset=Town.objects.all())
    village = django_filters.ModelChoiceFilter(queryset=Village.objects.all())

    class Meta:
        model = Position
        fields = ["level", "city", "town", "village", "is_active"]

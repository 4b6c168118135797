"""Places are public: a resident's phone or a kiosk picks a town and village without logging in.

Read-only: the hierarchy is maintained in the Django admin.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from stations.api import filters, serializers
from stations.models import City, Position, Town, Village


def _docs(noun: str, tag: str):
    # Lazy all the way: the schema is built per request, in the language of that request.
    def summary(template: str):
        return lazy(lambda: _(template) % {"noun": noun}, str)()

    return extend_schema_view(
        list=extend_schema(summary=summary(gettext_noop("%(noun)s列表")), tags=[tag]),
        retrieve=extend_schema(summary=summary(gettext_noop("%(noun)s详情")), tags=[tag]),
    )


class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    lookup_value_regex = "[0-9]+"


@_docs(gettext_lazy("市"), "places")
class CityViewSet(PublicReadOnly):
    queryset = City.objects.all()
    serializer_class = serializers.CitySerializer
    search_fields = ["name"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]


@_docs(gettext_lazy("镇（街道）"), "places")
class TownViewSet(PublicReadOnly):
    queryset = Town.objects.all()
    serializer_class = serializers.TownSerializer
    filterset_class = filters.TownFilter
    search_fields = ["name"]
    ordering_fields = ["sort_order", "name", "id"]
    ordering = ["sort_order", "name"]


@_docs(gettext_lazy("村（社区）"), "places")
class VillageViewSet(PublicReadOnly):
    queryset = Village.objects.select_related("town")
    serializer_class = serializers.VillageSerializer
    filterset_class = filters.VillageFilter
    search_fields = ["name", "town__name"]
    ordering_fields = ["name", "id", "population", "town__sort_order"]
    ordering = ["town__sort_order", "name"]


@_docs(gettext_lazy("实践阵地"), "places")
class PositionViewSet(PublicReadOnly):
    queryset = Position.objects.select_related("town", "village")
    serializer_class = serializers.PositionSerializer
    filterset_class = filters.PositionFilter
    search_fields = ["name", "address", "venue"]
    ordering_fields = ["level", "name", "id"]
    ordering = ["level", "name"]

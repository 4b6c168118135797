"""The public practice menu (文明实践菜单): platforms, categories and menu items, no login.

``GET /api/menu-items/?village=<id>`` lists what a resident of that village can order: items
offered citywide, to the village's town, or to the village itself (``MenuItem.reach``). Only
items on offer (``is_active``) are listed. Read-only: the menu is edited in the admin.
"""

import hashlib

import django_filters
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from core.filters import IdFilter, StrictFilterSet
from core.stored import bytes_response, etag_for, not_modified
from orders import menu_cache
from orders.models import MenuItem, Platform, ServiceCategory, TargetGroup
from stations.api.serializers import RefSerializer
from stations.models import Town, Village

# --- Serializers ------------------------------------------------------------------------------


class PlatformSerializer(serializers.ModelSerializer):
    class Meta:
        model = Platform
        fields = ["id", "name", "name_en", "department", "description", "sort_order"]


class ServiceCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["id", "name", "name_en", "code", "description", "sort_order"]


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True, help_text=_("英文名称；空表示未填写"))
    code = serializers.CharField(read_only=True)


class MenuItemSerializer(serializers.ModelSerializer):
    platform = RefSerializer(read_only=True)
    category = CategoryRefSerializer(read_only=True)
    team = RefSerializer(read_only=True, allow_null=True)
    reach_label = serializers.CharField(source="get_reach_display", read_only=True)
    target_group_label = serializers.CharField(source="get_target_group_display", read_only=True)
    towns = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("reach=towns 时提供服务的镇（街道）id")
    )
    villages = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("reach=villages 时提供服务的村（社区）id")
    )

    class Meta:
        model = MenuItem
        fields = [
            "id",
            "title",
            "title_en",
            "description",
            "platform",
            "category",
            "team",
            "reach",
            "reach_label",
            "towns",
            "villages",
            "target_group",
            "target_group_label",
            "duration_minutes",
        ]


# --- Filters ----------------------------------------------------------------------------------


def offered_in_village(village: Village) -> Q:
    """Menu items a resident of ``village`` may order, by the item's reach."""
    # Exists subqueries rather than joins: an item reaching several towns and villages would
    # otherwise come back once per matching join row.
    in_town = MenuItem.towns.through.objects.filter(
        menuitem_id=OuterRef("pk"), town_id=village.town_id
    )
    in_village = MenuItem.villages.through.objects.filter(
        menuitem_id=OuterRef("pk"), village_id=village.pk
    )
    return (
        Q(reach=MenuItem.Reach.CITYWIDE)
        | Q(Exists(in_town), reach=MenuItem.Reach.TOWNS)
        | Q(Exists(in_village), reach=MenuItem.Reach.VILLAGES)
    )


def offered_in_town(town: Town) -> Q:
    """Menu items a resident somewhere in ``town`` may order (in at least one of its villages)."""
    in_town = MenuItem.towns.through.objects.filter(menuitem_id=OuterRef("pk"), town_id=town.pk)
    in_a_village = MenuItem.villages.through.objects.filter(
        menuitem_id=OuterRef("pk"), village__town_id=town.pk
    )
    return (
        Q(reach=MenuItem.Reach.CITYWIDE)
        | Q(Exists(in_town), reach=MenuItem.Reach.TOWNS)
        | Q(Exists(in_a_village), reach=MenuItem.Reach.VILLAGES)
    )


class MenuItemFilter(StrictFilterSet):
    # Ids that exist nowhere match nothing (core.filters.IdFilter), rather than a 400.
    village = IdFilter(method="filter_village", label=_("可在该村（社区）点单的服务"))
    town = IdFilter(method="filter_town", label=_("可在该镇（街道）点单的服务"))
    platform = IdFilter(field_name="platform_id")
    category = IdFilter(field_name="category_id")
    team = IdFilter(field_name="team_id")
    target_group = django_filters.ChoiceFilter(choices=TargetGroup.choices)
    targeted = django_filters.BooleanFilter(
        method="filter_targeted", label=_("true：仅定向服务；false：仅普遍服务")
    )

    class Meta:
        model = MenuItem
        fields = ["village", "town", "platform", "category", "team", "target_group", "reach"]

    def filter_village(self, queryset, name, village_id):
        if village_id is None:
            return queryset
        village = Village.objects.filter(pk=village_id).first()
        return queryset.filter(offered_in_village(village)) if village else queryset.none()

    def filter_town(self, queryset, name, town_id):
        if town_id is None:
            return queryset
        town = Town.objects.filter(pk=town_id).first()
        return queryset.filter(offered_in_town(town)) if town else queryset.none()

    def filter_targeted(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(target_group="") if value else queryset.filter(target_group="")


# --- Views ------------------------------------------------------------------------------------


class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    lookup_value_regex = "[0-9]+"


@extend_schema_view(
    list=extend_schema(summary=_("服务平台列表（七大平台）"), tags=["menu"]),
    retrieve=extend_schema(summary=_("服务平台详情"), tags=["menu"]),
)
class PlatformViewSet(PublicReadOnly):
    queryset = Platform.objects.all()
    serializer_class = PlatformSerializer
    search_fields = ["name", "department"]
    ordering_fields = ["sort_order", "name", "id"]
    ordering = ["sort_order", "name"]


@extend_schema_view(
    list=extend_schema(summary=_("服务类别列表"), tags=["menu"]),
    retrieve=extend_schema(summary=_("服务类别详情"), tags=["menu"]),
)
class CategoryViewSet(PublicReadOnly):
    queryset = ServiceCategory.objects.all()
    serializer_class = ServiceCategorySerializer
    search_fields = ["name", "code"]
    ordering_fields = ["sort_order", "name", "id"]
    ordering = ["sort_order", "name"]


MENU_ITEM_EXAMPLE = {
    "id": 1,
    "title": "党的理论政策宣讲",
    "title_en": "Talks on the Party's policies",
    "description": "宣讲员进村入户讲解惠民政策。",
    "platform": {"id": 1, "name": "理论宣讲"},
    "category": {"id": 1, "name": "文明宣讲", "name_en": "Civility lectures", "code": "lecture"},
    "team": None,
    "reach": "citywide",
    "reach_label": MenuItem.Reach.CITYWIDE.label,
    "towns": [],
    "villages": [],
    "target_group": "",
    "target_group_label": "",
    "duration_minutes": 60,
}


@extend_schema_view(
    list=extend_schema(
        summary=_("实践菜单（可点单的服务）"),
        description=_(
            "只列出上架的服务。village=<id> 给出该村群众可点的服务（全市、指定镇街含该村所在镇、"
            "或指定村含该村）。"
        ),
        tags=["menu"],
        examples=[
            OpenApiExample(
                "menu",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [MENU_ITEM_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(
        summary=_("菜单服务项详情"),
        tags=["menu"],
        examples=[OpenApiExample("menu_item", response_only=True, value=MENU_ITEM_EXAMPLE)],
    ),
)
class MenuItemViewSet(PublicReadOnly):
    serializer_class = MenuItemSerializer
    filterset_class = MenuItemFilter
    search_fields = ["title", "description"]
    ordering_fields = ["title", "id", "created_at", "duration_minutes", "category__sort_order"]
    ordering = ["category__sort_order", "title"]

    def list(self, request, *args, **kwargs):
        """From the stored bytes when the menu has not changed since (``orders.menu_cache``);
        a 304 when the client's copy is current. Bad filters are answered (400), never kept."""
        if request.accepted_renderer.format != "json":  # the browsable API
            return super().list(request, *args, **kwargs)
        key = menu_cache.key(request)
        stored = cache.get(key)
        if stored is None:
            response = super().list(request, *args, **kwargs)
            body = request.accepted_renderer.render(
                response.data, "application/json", self.get_renderer_context()
            )
            stored = (etag_for(hashlib.sha256(body).hexdigest()), body)
            cache.set(key, stored, menu_cache.TTL_SECONDS)
        etag, body = stored
        unchanged = not_modified(request, etag=etag)
        if unchanged is not None:
            return unchanged
        return bytes_response(
            body, content_type="application/json", etag=etag, cache_control="public, max-age=60"
        )

    def get_queryset(self) -> QuerySet[MenuItem]:
        return (
            MenuItem.objects.filter(is_active=True)
            .select_related("platform", "category", "team")
            .prefetch_related("towns", "villages")
        )


router = SimpleRouter()
router.register("platforms", PlatformViewSet, basename="api-platform")
router.register("categories", CategoryViewSet, basename="api-category")
router.register("menu-items", MenuItemViewSet, basename="api-menu-item")

urlpatterns = router.urls

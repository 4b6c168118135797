"""Read-only representations of the hierarchy and its practice positions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import phone as phone_numbers
from stations.models import City, Position, Town, Village
from stations.scope import scope_for


class RefSerializer(serializers.Serializer):
    """A related object as ``{"id", "name"}``: enough for a list to show without another call."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)

    def to_representation(self, instance) -> dict:
        # Issue 19: lists nest several of these per row; DRF's generic field walk (two fields,
        # each looked up and converted) cost more than the row's own fields. Same output.
        if isinstance(instance, dict):
            return {"id": int(instance["id"]), "name": str(instance["name"])}
        return {"id": int(instance.pk), "name": str(instance.name)}


class CitySerializer(serializers.ModelSerializer):
    class Meta:
        model = City
        fields = ["id", "name", "code"]


class TownSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Town
        fields = ["id", "city", "name", "kind", "kind_label", "code", "sort_order"]


class VillageSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    town = RefSerializer(read_only=True)

    class Meta:
        model = Village
        fields = ["id", "town", "name", "kind", "kind_label", "code", "population"]


class PositionSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    town = RefSerializer(read_only=True, allow_null=True)
    village = RefSerializer(read_only=True, allow_null=True)
    head_phone = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = [
            "id",
            "level",
            "level_label",
            "name",
            "city",
            "town",
            "village",
            "venue",
            "address",
            "opening_hours",
            "head_name",
            "head_phone",
            "review_orders",
            "is_active",
        ]

    @extend_schema_field(
        serializers.CharField(help_text=_("负责人电话；管辖范围外的调用者看到 138****1234。"))
    )
    def get_head_phone(self, position: Position) -> str:
        # The head's phone is personal: in full only to admins whose area includes the position.
        request = self.context.get("request")
        scope = scope_for(request.user if request else None)
        if scope.covers_village(position.village_id, position.town_id):
            return position.head_phone
        return phone_numbers.mask(position.head_phone)

"""Query and response shapes of the report endpoints (documentation and validation)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import QuerySerializer
from core.fields import MonthField
from orders.models import Order


class MonthQuery(QuerySerializer):
    month = MonthField(
        required=False,
        help_text=_("YYYY-MM；默认上一个完整月份。"),
    )
    town = serializers.IntegerField(required=False, min_value=1, help_text=_("镇（街道）ID"))
    village = serializers.IntegerField(required=False, min_value=1, help_text=_("村（社区）ID"))


class RangeQuery(QuerySerializer):
    # "from" is a Python keyword: declared below through the fields mapping.
    to = MonthField(
        required=False,
        help_text=_("结束月份 YYYY-MM（含）；默认上一个完整月份。"),
    )
    town = serializers.IntegerField(required=False, min_value=1, help_text=_("镇（街道）ID"))
    village = serializers.IntegerField(required=False, min_value=1, help_text=_("村（社区）ID"))

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = MonthField(
            required=False,
            help_text=_("开始月份 YYYY-MM（含）；默认同结束月份。"),
        )
        return fields


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NamedRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CoverageRow(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("城市级为镇（街道）ID，镇级为村（社区）ID"))
    name = serializers.CharField()
    villages = serializers.IntegerField()
    served = serializers.IntegerField()
    percent = serializers.FloatField()
    services = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField())
    heat = serializers.ListField(child=serializers.IntegerField())


class CoverageTotals(serializers.Serializer):
    villages = serializers.IntegerField()
    served = serializers.IntegerField()
    percent = serializers.FloatField()
    services = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField())


class TrendPoint(serializers.Serializer):
    month = serializers.CharField()
    served = serializers.IntegerField()
    villages = serializers.IntegerField()
    percent = serializers.FloatField()


class GapSerializer(serializers.Serializer):
    village_id = serializers.IntegerField()
    village = serializers.CharField()
    town_id = serializers.IntegerField()
    town = serializers.CharField()
    station = serializers.CharField()
    head_name = serializers.CharField()
    head_phone = serializers.CharField()
    months_without = serializers.IntegerField(allow_null=True)
    lacks = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text=_(
            "该村实践站本月未达到的五有项（venue、plan、team、practice、results）；"
            "没有实践站时为 null。"
        ),
    )


class CoverageSerializer(serializers.Serializer):
    month = serializers.CharField()
    months = serializers.ListField(child=serializers.CharField())
    level = serializers.ChoiceField(["city", "town", "village"])
    town = NamedRef(allow_null=True)
    village = NamedRef(allow_null=True)
    categories = CategorySerializer(many=True)
    totals = CoverageTotals()
    rows = CoverageRow(many=True)
    trend = TrendPoint(many=True)
    gaps = GapSerializer(many=True)
    gaps_total = serializers.IntegerField(help_text=_("未服务村（社区）数：gaps 的条数。"))
    rows_total = serializers.IntegerField(help_text=_("rows 的条数。"))
    heat_max = serializers.IntegerField(help_text=_("各行 heat 中的最大值。"))


class StandardsTown(serializers.Serializer):
    town_id = serializers.IntegerField()
    town = serializers.CharField()
    stations = serializers.IntegerField()
    all_five = serializers.IntegerField()
    percent = serializers.FloatField()
    venue = serializers.IntegerField()
    plan = serializers.IntegerField()
    team = serializers.IntegerField()
    practice = serializers.IntegerField()
    results = serializers.IntegerField()


class StandardsStation(serializers.Serializer):
    station_id = serializers.IntegerField()
    station = serializers.CharField()
    village_id = serializers.IntegerField()
    village = serializers.CharField()
    town_id = serializers.IntegerField()
    town = serializers.CharField()
    head_name = serializers.CharField()
    head_phone = serializers.CharField()
    volunteers = serializers.IntegerField()
    services = serializers.IntegerField()
    ratings = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)
    venue = serializers.BooleanField()
    plan = serializers.BooleanField()
    team = serializers.BooleanField()
    practice = serializers.BooleanField()
    results = serializers.BooleanField()
    all_five = serializers.BooleanField()
    lacks = serializers.ListField(child=serializers.CharField())


class StandardsTotals(serializers.Serializer):
    stations = serializers.IntegerField()
    all_five = serializers.IntegerField()
    percent = serializers.FloatField()


class StandardsRules(serializers.Serializer):
    team_min_volunteers = serializers.IntegerField()
    results_min_rating = serializers.FloatField()


class FiveStandardsSerializer(serializers.Serializer):
    month = serializers.CharField()
    level = serializers.CharField()
    rules = StandardsRules()
    totals = StandardsTotals()
    towns = StandardsTown(many=True)
    stations = StandardsStation(many=True)
    stations_total = serializers.IntegerField(help_text=_("实践站数：stations 的条数。"))


class OrderKpis(serializers.Serializer):
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    completed = serializers.IntegerField()
    rated = serializers.IntegerField()
    median_hours_to_accept = serializers.FloatField(allow_null=True)
    median_hours_to_complete = serializers.FloatField(allow_null=True)
    average_rating = serializers.FloatField(allow_null=True)
    overdue = serializers.IntegerField()


class OrderGroup(OrderKpis):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class OrderChannelGroup(OrderKpis):
    channel = serializers.ChoiceField(choices=Order.Channel.choices, help_text=_("点单渠道"))
    name = serializers.CharField()


class TierGroup(OrderKpis):
    # Plain text: the same three values as the report's "level" enum, which a second enum would
    # collide with in the schema.
    tier = serializers.CharField(help_text="village | town | city (村级、镇街、市级)")
    name = serializers.CharField()


class OrdersSerializer(serializers.Serializer):
    to = serializers.CharField()
    level = serializers.CharField()
    totals = OrderKpis()
    by_town = OrderGroup(many=True)
    by_category = OrderGroup(many=True)
    by_platform = OrderGroup(many=True)
    by_team = OrderGroup(many=True)
    by_channel = OrderChannelGroup(many=True)
    by_tier = TierGroup(many=True)
    by_team_total = serializers.IntegerField(help_text=_("队伍数：by_team 的条数。"))

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField()
        return fields

"""Teams, volunteers and the caller's own roles. Volunteers' phones are personal data (PIPL)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import phone as phone_numbers
from stations.api.serializers import RefSerializer
from volunteers.access import may_see_phone
from volunteers.models import Team, Volunteer


class SkillSerializer(serializers.Serializer):
    """A volunteer's skill: a service category."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)


class TeamSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    town = RefSerializer(read_only=True, allow_null=True)
    village = RefSerializer(read_only=True, allow_null=True)
    captain = RefSerializer(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True, help_text=_("在册成员人数"))

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "parent",
            "city",
            "town",
            "village",
            "captain",
            "description",
            "member_count",
            "is_active",
        ]


class VolunteerSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    home_village = RefSerializer(read_only=True)
    town = RefSerializer(read_only=True)
    teams = RefSerializer(many=True, read_only=True)
    skills = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "name",
            "phone",
            "phone_masked",
            "home_village",
            "town",
            "teams",
            "skills",
            "is_active",
            "joined_on",
            "hours_total",
        ]

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text=_("完整手机号：仅本人及管辖该村的管理员可见，其他人为 null。"),
        )
    )
    def get_phone(self, volunteer: Volunteer) -> str | None:
        request = self.context.get("request")
        if may_see_phone(request.user if request else None, volunteer):
            return volunteer.phone
        return None

    @extend_schema_field(serializers.CharField(help_text=_("脱敏手机号，如 139****1111。")))
    def get_phone_masked(self, volunteer: Volunteer) -> str:
        return phone_numbers.mask(volunteer.phone)

    @extend_schema_field(SkillSerializer(many=True))
    def get_skills(self, volunteer: Volunteer) -> list[dict]:
        # Skills are service categories, declared on the orders side (volunteers must not import
        # orders), so they are read through the reverse relation only.
        return [{"id": c.id, "name": c.name, "code": c.code} for c in volunteer.skills.all()]


class RoleSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    city = RefSerializer()
    town = RefSerializer(allow_null=True)
    position = RefSerializer(allow_null=True)


class ScopeSerializer(serializers.Serializer):
    everything = serializers.BooleanField(help_text=_("是否可管理全市"))
    towns = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("可管理的镇（街道）")
    )
    villages = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("可管理的村（社区）")
    )
    positions = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("担任站长的实践站")
    )


class MyVolunteerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    home_village = RefSerializer()
    town = RefSerializer()
    hours_total = serializers.DecimalField(max_digits=8, decimal_places=1)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(help_text=_("姓名；未填写时为用户名"))
    is_staff = serializers.BooleanField()
    is_superuser = serializers.BooleanField()
    roles = RoleSerializer(many=True)
    scope = ScopeSerializer()
    volunteer = MyVolunteerSerializer(
        allow_null=True, help_text=_("本人的志愿者档案；没有时为 null")
    )

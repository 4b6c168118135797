"""Explicit serializers per operation; no workflow logic here (the services do that)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core import phone as phone_numbers
from core.fields import IdField, OptionalPhoneField
from events.ical import event_uid
from events.models import NOTE_MAX, Event, EventPhoto, EventVolunteer
from volunteers.hours import HoursField
from volunteers.models import Volunteer


class EventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EventListSerializer(serializers.ModelSerializer):
    uid = serializers.SerializerMethodField(help_text=_("与 ICS 中 UID 相同。"))
    category = EventRefSerializer()
    platform = EventRefSerializer(allow_null=True)
    town = EventRefSerializer(allow_null=True)
    village = EventRefSerializer(allow_null=True)
    venue = serializers.SerializerMethodField()
    audience = serializers.CharField(help_text=_("定向服务对象代码；空表示面向全体群众"))

    class Meta:
        model = Event
        fields = [
            "id",
            "uid",
            "title",
            "description",
            "state",
            "start",
            "end",
            "category",
            "platform",
            "town",
            "village",
            "venue",
            "capacity",
            "audience",
            "attendance",
            "cancel_reason",
        ]

    def get_uid(self, obj) -> str:
        return event_uid(obj.pk)

    def get_venue(self, obj) -> str:
        if obj.venue_position is not None:
            return f"{obj.venue_position.name} {obj.venue_address}".strip()
        return obj.venue_address


class EventPhotoSerializer(serializers.ModelSerializer):
    image = serializers.ImageField(read_only=True, help_text=_("照片地址"))

    class Meta:
        model = EventPhoto
        fields = ["id", "image", "caption", "created_at"]
        read_only_fields = fields


# One event as its page shows it to everyone: the list's fields, the results and the photos.
class EventDetailSerializer(EventListSerializer):
    photos = EventPhotoSerializer(many=True, read_only=True)

    class Meta(EventListSerializer.Meta):
        fields = [*EventListSerializer.Meta.fields, "results_note", "photos"]


# The page's photo form: the model field's validators (type, 5 MB) on an image Pillow can read.
class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.ImageField(
        validators=EventPhoto._meta.get_field("image").validators,
        help_text=_("JPG、PNG 或 WebP，不超过 5 MB"),
    )
    caption = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("说明")
    )


class EventVolunteerSerializer(serializers.ModelSerializer):
    volunteer = EventRefSerializer(read_only=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True)

    class Meta:
        model = EventVolunteer
        fields = ["volunteer", "hours", "checked_in", "confirmed", "hours_credited", "created_at"]
        read_only_fields = fields


class VolunteerConfirmSerializer(serializers.Serializer):
    volunteer = IdField(
        queryset=Volunteer.objects.all(),
        help_text=_("志愿者编号"),
        error_messages={"does_not_exist": _("志愿者不存在。")},
    )
    hours = HoursField(help_text=_("服务时长（小时），0.1 到 24，最多一位小数"))


class CalendarEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uid = serializers.CharField(help_text=_("event-<id>@wenming，跨版本不变"))
    title = serializers.CharField()
    description = serializers.CharField()
    state = serializers.CharField()
    status = serializers.ChoiceField(choices=["CONFIRMED", "CANCELLED"])
    cancel_reason = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    location = serializers.CharField()
    category = EventRefSerializer()
    platform = EventRefSerializer(allow_null=True)
    town = EventRefSerializer(allow_null=True)
    village = EventRefSerializer(allow_null=True)
    organiser = serializers.CharField()
    audience = serializers.CharField()
    url = serializers.URLField()
    last_modified = serializers.DateTimeField(
        help_text=_("活动内容最近一次变化的时间（与 .ics 中 LAST-MODIFIED 相同）")
    )
    sequence = serializers.IntegerField(
        min_value=0,
        help_text=_("活动内容在已发布版本中每变化一次加一（与 .ics 中 SEQUENCE 相同）"),
    )


class PublishedCalendarSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    version = serializers.IntegerField()
    content_hash = serializers.CharField(help_text=_("事件内容的 SHA-256"))
    generated_at = serializers.DateTimeField()
    event_count = serializers.IntegerField()
    counts_by_town = serializers.DictField(child=serializers.IntegerField())
    counts_by_category = serializers.DictField(child=serializers.IntegerField())
    events = CalendarEventSerializer(many=True)


class PlanRowSerializer(serializers.Serializer):
    position = EventRefSerializer()
    town = EventRefSerializer()
    event_count = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["draft", "submitted", "missing"])
    submitted_at = serializers.DateTimeField(allow_null=True)


class PlanSubmitSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("实践站编号"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)


class PlanSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="position_id")
    month = serializers.DateField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    note = serializers.CharField()


class CheckInInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = OptionalPhoneField(
        help_text=_(
            "群众签到必填：中国大陆手机号，可带空格、短横线、+86 或 0086，可用全角数字；"
            "已登录的志愿者以账号签到时可不填"
        )
    )
    as_volunteer = serializers.BooleanField(
        required=False, default=False, help_text=_("已登录的志愿者以账号签到")
    )
    token = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("现场签到码：活动现场二维码链接中的 t 参数（每 5 分钟更新），群众签到必填"),
    )

    # A volunteer signs in with the account, anyone else with a name, a phone and the venue's
    # code. JSON Schema can say so (anyOf on as_volunteer: true), but client generators then
    # read the body as a union they cannot build (openapi-python-client dropped the operation),
    # so the rule is an extension the descriptions repeat.
    openapi_extra = {
        "x-required-unless": {"as_volunteer": True, "required": ["name", "phone", "token"]}
    }

    def validate(self, attrs):
        if attrs["as_volunteer"]:
            return attrs
        errors = {}
        if not attrs["name"].strip():
            errors["name"] = [_("请填写姓名。")]
        if not attrs["phone"]:
            errors["phone"] = [phone_numbers.INVALID_MESSAGE]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class CheckInResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text=_("false 表示重复签到，已忽略"))
    attendance = serializers.IntegerField()
    checkins = serializers.IntegerField()

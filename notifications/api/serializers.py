from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.kinds import Kind
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, read_only=True, help_text=_("消息类型"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.CharField(read_only=True, help_text=_("标题（按请求语言）"))
    body = serializers.CharField(read_only=True, help_text=_("正文（按请求语言）"))
    url = serializers.SerializerMethodField(help_text=_("相关页面的站内路径，可能为空"))
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj) -> str:
        return obj.url

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("本次标为已读的条数"))

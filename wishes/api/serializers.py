"""Explicit serializers per operation for the wish wall API. No workflow logic here: the views
hand validated data to ``wishes.services``, which also checks the texts' lengths and that the
public text holds no phone number (one message for the page and the API)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import BoundedDateTimeField, DisplayField, IdField, PhoneField
from orders.models import ServiceCategory
from stations.api.serializers import RefSerializer
from stations.models import Village
from wishes import selectors
from wishes.models import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX, REASON_MAX, Wish

# --- input ----------------------------------------------------------------------------------


def _text(limit: int, **kwargs) -> serializers.CharField:
    """Text of at most ``limit`` characters, stated in the schema (maxLength); the message
    says the limit as the page's does."""
    return serializers.CharField(
        max_length=limit, error_messages={"max_length": _("最多 {max_length} 字。")}, **kwargs
    )


class WishSubmitSerializer(serializers.Serializer):
    """群众许愿（无需登录）。"""

    village = IdField(queryset=Village.objects.all(), help_text=_("村（社区）id"))
    category = IdField(queryset=ServiceCategory.objects.all(), help_text=_("服务类别 id"))
    description = _text(
        DESCRIPTION_MAX,
        help_text=_("最多 %(n)d 字，审核后公开展示；不能含电话号码。") % {"n": DESCRIPTION_MAX},
    )
    name = _text(
        NAME_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("称呼（可选，最多 %(n)d 字，不公开）") % {"n": NAME_MAX},
    )
    phone = PhoneField(help_text=_("不公开：仅站长和认领的志愿者可见"))


class WishReasonSerializer(serializers.Serializer):
    reason = _text(REASON_MAX, help_text=_("最多 %(n)d 字") % {"n": REASON_MAX})


class WishFulfilSerializer(serializers.Serializer):
    note = _text(NOTE_MAX, help_text=_("实现情况，最多 %(n)d 字") % {"n": NOTE_MAX})


class WishToEventSerializer(serializers.Serializer):
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("结束时间应晚于开始时间。")]})
        return attrs


class WishToSuggestionSerializer(serializers.Serializer):
    title = _text(100, help_text=_("建议服务名称，最多 100 字"))
    description = _text(
        NOTE_MAX, required=False, allow_blank=True, default="", help_text=_("说明（可选）")
    )


# --- output ---------------------------------------------------------------------------------


class WishSubmittedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Wish.Status.choices)


class WishPublicSerializer(serializers.ModelSerializer):
    """A wish as the public wall shows it: never the resident's name or phone."""

    status = serializers.ChoiceField(choices=Wish.Status.choices, read_only=True)
    status_label = DisplayField(source="get_status_display")
    village = RefSerializer()
    town = RefSerializer()
    category = RefSerializer()
    claimed_by = serializers.SerializerMethodField(
        help_text=_("认领志愿者的名（不含姓）；未认领时为 null")
    )

    class Meta:
        model = Wish
        fields = [
            "id",
            "status",
            "status_label",
            "village",
            "town",
            "category",
            "description",
            "claimed_by",
            "created_at",
            "approved_at",
            "claimed_at",
            "fulfilled_at",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_claimed_by(self, wish: Wish) -> str | None:
        return wish.claimed_by.given_name if wish.claimed_by_id else None


class WishSerializer(WishPublicSerializer):
    """A wish as its area's admins and its volunteer see it: with the resident's contact when
    the caller may see it (``selectors.may_see_contact``), else ``null``."""

    name = serializers.SerializerMethodField(help_text=_("居民称呼；无权查看时为 null"))
    phone = serializers.SerializerMethodField(
        help_text=_("居民手机号：本区域管理员和认领的志愿者可见，其他人为 null")
    )

    class Meta(WishPublicSerializer.Meta):
        fields = [
            *WishPublicSerializer.Meta.fields,
            "name",
            "phone",
            "reason",
            "fulfil_note",
            "event",
            "closed_at",
            "updated_at",
        ]
        extra_kwargs = {"event": {"help_text": _("转成的活动 id；未转为活动时为 null")}}

    def _contact(self, wish: Wish) -> bool:
        request = self.context.get("request")
        return selectors.may_see_contact(getattr(request, "user", None), wish)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_name(self, wish: Wish) -> str | None:
        return wish.name if self._contact(wish) else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_phone(self, wish: Wish) -> str | None:
        return wish.phone if self._contact(wish) else None

"""The outbox in the admin: what went out, what is waiting, what failed, and "resend"."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "channel",
        "recipient",
        "masked_address",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("state", "channel", "kind")
    search_fields = ("cause", "recipient__username")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    actions = ["resend"]
    # The outbox is written by the services only; staff read it and resend.
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "address"] + [
        "masked_address"
    ]
    exclude = ("address",)

    @admin.display(description=_("接收地址"))
    def masked_address(self, obj):
        return obj.masked_address

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新发送所选消息"))
    def resend(self, request, queryset):
        count = services.resend(notification_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("已重新排队 %(n)d 条消息。", "已重新排队 %(n)d 条消息。", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "updated_at")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)

"""The admin's user list, with an action that revokes users' API tokens (core.api_tokens)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.api_tokens import api_tokens_revoke_all

User = get_user_model()


class WenmingUserAdmin(UserAdmin):
    actions = ["revoke_api_tokens"]

    @admin.action(description=gettext_lazy("吊销所选用户的全部 API 令牌"), permissions=["change"])
    def revoke_api_tokens(self, request, queryset):
        revoked = sum(api_tokens_revoke_all(user=user) for user in queryset)
        self.message_user(
            request,
            _("已吊销 %(users)s 个用户的 %(tokens)s 个令牌。")
            % {"users": queryset.count(), "tokens": revoked},
            messages.SUCCESS,
        )


admin.site.unregister(User)
admin.site.register(User, WenmingUserAdmin)

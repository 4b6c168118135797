"""Partners' API keys: issued here (the key is shown once, to whoever issued it), rotated and
revoked with the actions; only the key's hash is kept (``open311.services``)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from open311 import services
from open311.models import Partner, PartnerOrder


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "contact"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ["name", "key_prefix", "is_active", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact"]
    readonly_fields = ["key_prefix", "is_active", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_keys", "rotate_keys"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the partner's orders keep pointing at it

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            partner, key = services.partner_create(
                name=form.cleaned_data["name"], contact=form.cleaned_data["contact"]
            )
        except InvalidInput as exc:  # a race on the name: the form checked it a moment ago
            messages.error(request, " ".join(m for ms in exc.fields.values() for m in ms))
            return
        obj.pk = partner.pk
        self._show_key(request, partner, key)

    def _show_key(self, request, partner, key) -> None:
        messages.warning(
            request,
            _("%(name)s 的 api_key：%(key)s —— 只显示这一次，请立即安全地交给合作方。")
            % {"name": partner.name, "key": key},
        )

    @admin.action(description=_("撤销所选合作方的 api_key"))
    def revoke_keys(self, request, queryset):
        n = sum(services.partner_revoke(partner_id=p.pk) for p in queryset)
        self.message_user(request, _("已撤销 %(n)d 个 api_key。") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("为所选合作方重新签发 api_key（旧密钥立即失效）"))
    def rotate_keys(self, request, queryset):
        for partner in queryset:
            self._show_key(request, partner, services.partner_rotate_key(partner_id=partner.pk))


@admin.register(PartnerOrder)
class PartnerOrderAdmin(admin.ModelAdmin):
    list_display = ["order", "partner", "account_id", "created_at"]
    list_filter = ["partner"]
    list_select_related = ["order", "partner"]
    search_fields = ["order__number", "account_id"]
    readonly_fields = ["order", "partner", "account_id", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from kiosk.models import KioskLink


@admin.register(KioskLink)
class KioskLinkAdmin(admin.ModelAdmin):
    """Read-only: links are made and stopped by the station head on /kiosk/links/."""

    list_display = ["station", "label", "created_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["station__name", "label"]
    list_select_related = ["station"]
    exclude = ["secret"]
    readonly_fields = [
        "station",
        "label",
        "created_by",
        "created_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]

    def has_add_permission(self, request):
        return False

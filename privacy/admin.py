from django.contrib import admin

from privacy.models import PersonalDataAction


@admin.register(PersonalDataAction)
class PersonalDataActionAdmin(admin.ModelAdmin):
    """Read-only: the log is written by privacy.services only."""

    list_display = [
        "created_at",
        "kind",
        "actor_username",
        "phone_masked",
        "orders",
        "checkins",
        "notifications",
        "wishes",
        "applications",
    ]
    list_filter = ["kind"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

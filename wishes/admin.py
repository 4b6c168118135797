from django.contrib import admin

from stations.admin import AreaAdminMixin
from wishes.models import MenuSuggestion, Wish, WishStatusChange


class WishStatusChangeInline(admin.TabularInline):
    model = WishStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Wish)
class WishAdmin(AreaAdminMixin, admin.ModelAdmin):
    """Read-only here: a wish's status changes only through the wish wall's steps (services).
    The area's wishes only, whose admins may read the resident's phone (``may_see_contact``)."""

    list_display = ["id", "village", "category", "status", "created_at"]
    list_filter = ["status", "town", "category"]
    search_fields = ["description", "village__name"]
    list_select_related = ["village", "category"]
    inlines = [WishStatusChangeInline]
    readonly_fields = [f.name for f in Wish._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(MenuSuggestion)
class MenuSuggestionAdmin(AreaAdminMixin, admin.ModelAdmin):
    area_village = "wish__village"

    list_display = ["title", "town", "category", "created_at"]
    list_filter = ["town", "category"]
    search_fields = ["title", "description"]
    list_select_related = ["town", "category"]
    readonly_fields = ["wish", "suggested_by", "created_at"]

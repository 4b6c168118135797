from django.contrib import admin

from wishes.models import MenuSuggestion, Wish, WishStatusChange


class WishStatusChangeInline(admin.TabularInline):
    model = WishStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    """Read-only here: a wish's status changes only through the wish wall's steps (services)."""

    list_display = ["id", "village", "category", "status", "created_at"]
    list_filter = ["status", "town", "category"]
    search_fields = ["description", "village__name"]
    list_select_related = ["village", "category"]
    inlines = [WishStatusChangeInline]
    readonly_fields = [f.name for f in Wish._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(MenuSuggestion)
class MenuSuggestionAdmin(admin.ModelAdmin):
    list_display = ["title", "town", "category", "created_at"]
    list_filter = ["town", "category"]
    search_fields = ["title", "description"]
    list_select_related = ["town", "category"]
    readonly_fields = ["wish", "suggested_by", "created_at"]

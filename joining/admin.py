"""志愿者申请 in the admin: read, filter by status and town, search. Decisions are made in the
area's queue (``joining.services``), which writes the audit row and tells the applicant."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from stations.admin import AreaAdminMixin, PhoneSearchMixin, VillageLabelsMixin
from volunteers.models import VolunteerApplication, VolunteerApplicationChange


class ChangeInline(admin.TabularInline):
    model = VolunteerApplicationChange
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VolunteerApplication)
class VolunteerApplicationAdmin(
    AreaAdminMixin, VillageLabelsMixin, PhoneSearchMixin, admin.ModelAdmin
):
    list_display = (
        "applicant",
        "phone_masked",
        "village",
        "town",
        "status",
        "created_at",
        "decided_by",
    )
    list_filter = ("status", "town")
    search_fields = ("name", "village__name", "town__name")
    list_select_related = ("village", "town", "decided_by")
    date_hierarchy = "created_at"
    inlines = [ChangeInline]
    readonly_fields = (
        "name",
        "phone",
        "village_label",
        "skill_ids",
        "availability",
        "note",
        "consent_at",
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "volunteer",
        "created_at",
        "anonymised_at",
    )

    fields = readonly_fields  # read-only: decisions go through the queue

    @admin.display(description=_("居住村（社区）"))
    def village_label(self, obj):
        return obj.village.label

    @admin.display(description=_("姓名"), ordering="name")
    def applicant(self, obj):
        return obj.display_name  # "已匿名化…" once privacy erased it

    @admin.display(description=_("手机号"), ordering="phone")
    def phone_masked(self, obj):
        return obj.masked_phone

    def phone_visible(self, request, queryset):
        # The rows are the viewer's area (AreaAdminMixin), whose admins read applicants' phones
        # in the queue.
        return queryset

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

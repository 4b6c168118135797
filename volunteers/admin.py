"""Admin for the volunteer organisation: teams, volunteers and their memberships.

Skills (``orders.VolunteerSkill``) are added to the volunteer page by
``orders/admin/catalogue.py``, which re-registers ``VolunteerAdmin`` with an extra inline:
volunteers must not import orders.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from core.errors import DomainError
from stations.admin import (
    AreaAdminMixin,
    ChangelistCountsMixin,
    PhoneSearchMixin,
    PreloadedAutocompleteInline,
    VillageLabelsMixin,
)
from volunteers import records, services
from volunteers.access import may_see_phone, phone_visible_q
from volunteers.models import (
    Certificate,
    Membership,
    PointsEntry,
    Redemption,
    Reward,
    ServiceRecord,
    ServiceRecordChange,
    Team,
    Volunteer,
)


class TeamMembershipInline(PreloadedAutocompleteInline, admin.TabularInline):
    """A team's members."""

    model = Membership
    fk_name = "team"
    fields = ("volunteer", "joined_on")
    autocomplete_fields = ("volunteer",)
    extra = 0
    verbose_name = _("队员")
    verbose_name_plural = _("队员")

    def get_queryset(self, request):
        # Both sides: each row's title is Membership.__str__ ("volunteer @ team").
        return super().get_queryset(request).select_related("volunteer", "team")


class VolunteerMembershipInline(PreloadedAutocompleteInline, admin.TabularInline):
    """The teams a volunteer belongs to."""

    model = Membership
    fk_name = "volunteer"
    fields = ("team", "joined_on")
    autocomplete_fields = ("team",)
    extra = 0
    verbose_name = _("所属队伍")
    verbose_name_plural = _("所属队伍")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "volunteer")


@admin.register(Team)
class TeamAdmin(VillageLabelsMixin, ChangelistCountsMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "parent",
        "town",
        "village",
        "captain",
        "member_count",
        "is_active",
    )
    list_filter = ("kind", "is_active", "town")
    search_fields = ("name", "town__name", "village__name", "captain__name")
    autocomplete_fields = ("parent", "town", "village", "captain")
    list_select_related = ("parent", "town", "village", "captain")
    inlines = (TeamMembershipInline,)
    list_per_page = 50

    def changelist_annotations(self):
        return {"_member_count": Count("memberships")}

    @admin.display(description=_("队员数"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Volunteer)
class VolunteerAdmin(AreaAdminMixin, PhoneSearchMixin, VillageLabelsMixin, admin.ModelAdmin):
    area_village = "home_village"
    list_display = (
        "name",
        "phone",  # masked for most viewers: get_list_display
        "home_village",
        "town",
        "is_active",
        "joined_on",
        "hours_total",
        "user",
    )
    list_filter = ("is_active", "town")
    # A phone, typed any way, is looked up exactly (PhoneSearchMixin), never by a few digits.
    search_fields = ("name", "home_village__name", "user__username")
    autocomplete_fields = ("home_village", "user")
    list_select_related = ("home_village", "town", "user")
    # The total moves only with confirmed service records (volunteers.records), never by hand.
    readonly_fields = ("town", "hours_total")
    inlines = (VolunteerMembershipInline,)
    list_per_page = 50
    date_hierarchy = "joined_on"
    actions = ("mark_inactive", "mark_active")

    def get_list_display(self, request):
        # The column is made per request: it shows the full phone only to whom
        # volunteers.access allows (the ModelAdmin itself is shared by every request).
        viewer = request.user

        @admin.display(description=_("手机号"), ordering="phone")
        def phone(obj: Volunteer) -> str:
            return obj.phone if may_see_phone(viewer, obj) else phone_numbers.mask(obj.phone)

        return [phone if name == "phone" else name for name in super().get_list_display(request)]

    def phone_visible(self, request, queryset):
        return queryset.filter(phone_visible_q(request.user))

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: Volunteer) -> str:
        return phone_numbers.mask(obj.phone)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not may_see_phone(request.user, obj):
            # In the phone's place, read-only (the default put it last, with the other
            # read-only fields); the form then has no phone to show or to change.
            fields.remove("masked_phone")
            fields = ["masked_phone" if name == "phone" else name for name in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not may_see_phone(request.user, obj):
            fields.append("masked_phone")
        return fields

    @admin.action(description=_("标记为不在册"))
    def mark_inactive(self, request, queryset):
        updated = _set_active(queryset, False)
        self.message_user(request, _("已将 %(n)d 名志愿者标记为不在册。") % {"n": updated})

    @admin.action(description=_("标记为在册"))
    def mark_active(self, request, queryset):
        updated = _set_active(queryset, True)
        self.message_user(request, _("已将 %(n)d 名志愿者标记为在册。") % {"n": updated})


def _set_active(queryset, active: bool) -> int:
    return services.volunteers_set_active(
        volunteer_ids=queryset.values_list("pk", flat=True), active=active
    )


@admin.register(Membership)
class MembershipAdmin(PhoneSearchMixin, admin.ModelAdmin):
    list_display = ("volunteer", "team", "team_kind", "joined_on")
    list_filter = ("team__kind",)
    search_fields = ("volunteer__name", "team__name")
    phone_search_field = "volunteer__phone"
    autocomplete_fields = ("team", "volunteer")
    list_select_related = ("team", "volunteer")

    def phone_visible(self, request, queryset):
        return queryset.filter(phone_visible_q(request.user, prefix="volunteer__"))

    @admin.display(description=_("队伍类型"), ordering="team__kind")
    def team_kind(self, obj):
        return obj.team.get_kind_display()


class ServiceRecordChangeInline(admin.TabularInline):
    """The record's audit trail: read-only."""

    model = ServiceRecordChange
    fields = (
        "created_at",
        "action",
        "from_status",
        "to_status",
        "old_hours",
        "new_hours",
        "actor",
        "actor_label",
        "note",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    """Records are made by the order and event workflows; here staff read, confirm or revoke
    them (through ``volunteers.records``, so totals, points and the audit trail follow)."""

    list_display = (
        "volunteer",
        "service_date",
        "content",
        "hours",
        "status",
        "source_kind",
        "village",
        "recorded_at",
        "confirmed_at",
    )
    list_filter = ("status", "source_kind", "town")
    search_fields = ("volunteer__name", "content", "source_label")
    list_select_related = ("volunteer", "village")
    date_hierarchy = "service_date"
    readonly_fields = [f.name for f in ServiceRecord._meta.fields]
    inlines = (ServiceRecordChangeInline,)
    actions = ("confirm_selected", "revoke_selected")
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("确认所选服务记录"))
    def confirm_selected(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        n = records.records_confirm(record_ids=ids, actor=request.user)
        self.message_user(request, _("已确认 %(n)d 条服务记录。") % {"n": n})

    @admin.action(description=_("撤销所选服务记录（管理员核查）"))
    def revoke_selected(self, request, queryset):
        n = 0
        for record_id in queryset.values_list("pk", flat=True):
            try:
                records.record_revoke(
                    record_id=record_id, actor=request.user, reason=_("后台核查撤销")
                )
                n += 1
            except DomainError:
                continue
        self.message_user(request, _("已撤销 %(n)d 条服务记录。") % {"n": n})


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are issued and revoked through ``volunteers.certificates``; read-only here."""

    list_display = ("number", "volunteer", "period_start", "period_end", "hours", "status")
    list_filter = ("status",)
    search_fields = ("number", "volunteer__name")
    list_select_related = ("volunteer",)
    readonly_fields = [f.name for f in Certificate._meta.fields]
    exclude = ("records",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "points", "stock", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "position__name")
    list_select_related = ("position",)
    autocomplete_fields = ("position",)


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin):
    """Redemptions are made by the station head (``volunteers.points.redeem``); read-only."""

    list_display = ("created_at", "volunteer", "reward", "points", "created_by")
    search_fields = ("volunteer__name", "reward__name")
    list_select_related = ("volunteer", "reward", "created_by")
    readonly_fields = [f.name for f in Redemption._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """The append-only ledger: nobody adds, changes or deletes entries here."""

    list_display = ("created_at", "volunteer", "kind", "points", "town", "note")
    list_filter = ("kind", "town")
    search_fields = ("volunteer__name", "note")
    list_select_related = ("volunteer", "town")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

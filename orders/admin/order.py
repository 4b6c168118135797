"""Admin for orders: status history inline, status read-only; state changes go through the
services (admin actions), never through the change form. And the 帮办员 who may order for
residents.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from orders import access, services
from orders.models import Order, OrderStatusChange, ProxyHelper
from stations.admin import AreaAdminMixin, PhoneSearchMixin, VillageLabelsMixin


class TimelineTextMixin:
    """The timeline's actor and note in the reader's language (see ``OrderStatusChange``)."""

    @admin.display(description=_("操作人显示名"))
    def actor_display(self, obj) -> str:
        return obj.actor_display

    @admin.display(description=_("备注"))
    def note_display(self, obj) -> str:
        return obj.note_display


class OrderStatusChangeInline(TimelineTextMixin, admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor_display", "actor", "note_display"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _run_action(modeladmin, request, queryset, label, call) -> None:
    done = failed = 0
    for order in queryset:
        try:
            call(order)
            done += 1
        except DomainError as exc:
            failed += 1
            modeladmin.message_user(request, f"{order.number}: {exc.message}", messages.WARNING)
    if done:
        modeladmin.message_user(
            request, _("%(label)s：成功 %(n)d 单。") % {"label": label, "n": done}, messages.SUCCESS
        )


class OverdueFilter(admin.SimpleListFilter):
    """Overdue now (``Order.overdue_q``), computed like everywhere else, not a stored flag."""

    title = _("超时未接单")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("是")), ("0", _("否"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(Order.overdue_q())
        if self.value() == "0":
            return queryset.exclude(Order.overdue_q())
        return queryset


@admin.register(Order)
class OrderAdmin(PhoneSearchMixin, VillageLabelsMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "status",
        "channel",
        "village",
        "town",
        "menu_item",
        "masked_phone",
        "accepted_by",
        "overdue",
        "needs_follow_up",
        "stars",
        "created_at",
    ]
    list_filter = ["status", "channel", OverdueFilter, "needs_follow_up", "town", "category"]
    list_select_related = ["village", "town", "menu_item", "accepted_by"]
    # A phone (typed any way residents type it) is looked up exactly: PhoneSearchMixin.
    search_fields = ["number", "name", "village__name", "town__name", "menu_item__title"]
    date_hierarchy = "created_at"
    autocomplete_fields = [
        "village",
        "town",
        "menu_item",
        "category",
        "accepted_by",
        "accepted_team",
    ]
    inlines = [OrderStatusChangeInline]
    actions = ["approve_selected"]
    readonly_fields = [
        "number",
        "status",
        "channel",
        "placed_by",
        "proxy_consent_at",
        "tracking_token",
        "town",
        "category",
        "accepted_by",
        "accepted_team",
        "accepted_at",
        "opened_at",
        "completed_at",
        "rated_at",
        "closed_at",
        "hours",
        "stars",
        "rating_comment",
        "overdue",
        "needs_follow_up",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "channel",
                    "village",
                    "town",
                    "menu_item",
                    "category",
                ]
            },
        ),
        (
            _("群众需求"),
            {
                "fields": [
                    "name",
                    "phone",
                    "description",
                    "preferred_date",
                    "preferred_window",
                    "people",
                    "target_group",
                    "placed_by",
                    "proxy_consent_at",
                ]
            },
        ),
        (
            _("接单与服务"),
            {
                "fields": [
                    "accepted_by",
                    "accepted_team",
                    "service_date",
                    "hours",
                    "report",
                    "stars",
                    "rating_comment",
                    "needs_follow_up",
                    "followed_up_at",
                    "follow_up_note",
                    "overdue",
                    "reason",
                ]
            },
        ),
        (
            _("时间"),
            {
                "classes": ["collapse"],
                "fields": [
                    "tracking_token",
                    "created_at",
                    "opened_at",
                    "accepted_at",
                    "completed_at",
                    "rated_at",
                    "closed_at",
                    "updated_at",
                ],
            },
        ),
    ]

    @admin.display(description=_("超时未接单"), boolean=True)
    def overdue(self, obj: Order) -> bool:
        return obj.is_overdue

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: Order) -> str:
        return obj.masked_phone

    def get_queryset(self, request):
        # Staff with an area role see their area; superusers everything (``orders.access``).
        return access.administered_orders(request.user, super().get_queryset(request))

    def phone_visible(self, request, queryset):
        # The area's admins see the full phone (orders.access.may_see_phone).
        return access.administered_orders(request.user, queryset)

    def has_add_permission(self, request) -> bool:
        return False  # orders come from residents (the form or the API)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.may_review:
            fields += ["village", "menu_item"]  # once reviewed, the order's place is fixed
        return fields

    def save_model(self, request, obj, form, change):
        # Keep the denormalised town and category in step with a corrected village or item.
        obj.town_id = obj.village.town_id
        obj.category_id = obj.menu_item.category_id
        super().save_model(request, obj, form, change)

    @admin.action(description=_("审核通过所选点单"))
    def approve_selected(self, request, queryset):
        # Every selected order goes to the service, which says per order why it cannot be
        # approved (already open, accepted …) rather than skipping it silently.
        _run_action(
            self,
            request,
            queryset,
            _("审核通过"),
            lambda order: services.order_approve(order_id=order.pk, actor=request.user),
        )


@admin.register(OrderStatusChange)
class OrderStatusChangeAdmin(TimelineTextMixin, admin.ModelAdmin):
    list_display = ["order", "from_status", "to_status", "actor_display", "created_at"]
    list_filter = ["to_status", "actor_kind"]
    list_select_related = ["order"]
    search_fields = ["order__number"]
    readonly_fields = [
        "order",
        "from_status",
        "to_status",
        "actor",
        "actor_kind",
        "actor_display",
        "note_display",
        "note_kind",
        "note_data",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProxyHelper)
class ProxyHelperAdmin(AreaAdminMixin, VillageLabelsMixin, admin.ModelAdmin):
    """帮办员: who may order on residents' behalf in a village (``orders.access.proxy_villages``).
    Untick 有效 to revoke at once; each order they placed keeps their name in its timeline."""

    list_display = ["name", "kind", "village", "user", "is_active", "created_at"]
    list_filter = ["kind", "is_active", "village__town"]
    list_select_related = ["village", "village__town", "user"]
    search_fields = ["name", "user__username", "village__name"]
    autocomplete_fields = ["user", "village"]
    actions = ["revoke_selected"]
    area_town = "village__town"  # area staff see the helpers of their own villages only

    @admin.action(description=_("撤销所选帮办员"))
    def revoke_selected(self, request, queryset):
        n = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(request, _("已撤销 %(n)d 名帮办员。") % {"n": n}, messages.SUCCESS)

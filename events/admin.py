"""Admin for events. Writes go through the services: adding an event calls ``event_create``,
editing calls ``event_update``, and the actions call the transitions and the compiler."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import phone as phone_numbers
from core.errors import DomainError
from core.months import label, month_of
from events import plans, services, webhooks
from events.calendar import calendar_compile
from events.models import (
    CheckIn,
    Event,
    EventPhoto,
    EventStateChange,
    EventVolunteer,
    MonthlyPlan,
    PublishedCalendar,
    WebhookDelivery,
)
from stations.admin import AreaAdminMixin, PhoneSearchMixin


def _report(modeladmin, request, done: int, failures: list[str]) -> None:
    if done:
        modeladmin.message_user(request, _("已处理 %(n)s 项。") % {"n": done}, messages.SUCCESS)
    for failure in failures[:10]:
        modeladmin.message_user(request, failure, messages.WARNING)


def _compile_months(modeladmin, request, months) -> None:
    for month in sorted(set(months)):
        try:
            result = calendar_compile(month=month)
        except Exception as exc:  # shown to staff rather than a 500 page
            modeladmin.message_user(
                request,
                _("%(m)s 编译失败：%(e)s") % {"m": label(month), "e": exc},
                messages.ERROR,
            )
            continue
        cal = result.calendar
        if result.created:
            text = _("%(m)s 已发布第 %(v)s 版（%(n)s 项活动）。")
        else:
            text = _("%(m)s 内容无变化，仍为第 %(v)s 版（%(n)s 项活动）。")
        modeladmin.message_user(
            request, text % {"m": label(month), "v": cal.version, "n": cal.event_count}
        )


class EventVolunteerInline(admin.TabularInline):
    model = EventVolunteer
    extra = 0
    raw_id_fields = ["volunteer"]
    readonly_fields = ["checked_in", "hours_credited"]


class EventPhotoInline(admin.TabularInline):
    model = EventPhoto
    extra = 0
    readonly_fields = ["uploaded_by", "created_at"]


class EventStateChangeInline(admin.TabularInline):
    model = EventStateChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "category",
            "platform",
            "organiser_position",
            "organiser_team",
            "venue_position",
            "venue_address",
            "town",
            "village",
            "start",
            "end",
            "capacity",
            "audience",
        ]

    def clean(self):
        data = super().clean()
        # The town follows from the village (the service does the same), so staff pick one.
        village = data.get("village")
        if village is not None:
            data["town"] = village.town
        return data


@admin.register(Event)
class EventAdmin(AreaAdminMixin, admin.ModelAdmin):
    form = EventAdminForm
    list_display = ["title", "state", "start", "town", "village", "category", "attendance"]
    list_filter = ["state", "category", "platform", "town"]
    list_select_related = ["category", "town", "village", "platform"]
    search_fields = ["title", "village__name"]
    date_hierarchy = "start"
    raw_id_fields = [
        "category",
        "platform",
        "organiser_position",
        "organiser_team",
        "venue_position",
        "town",
        "village",
        "source_order",
        "created_by",
    ]
    readonly_fields = [
        "state",
        "cancel_reason",
        "attendance",
        "completed_at",
        "cancelled_at",
        "source_order",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [EventVolunteerInline, EventPhotoInline, EventStateChangeInline]
    actions = ["plan_events", "publish_events", "compile_months"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:  # the area and organiser are fixed once created (scoping, audit)
            fields += ["town", "village", "organiser_position"]
        return fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if not change:
                created = services.event_create(
                    user=request.user,
                    **{k: data.get(k) for k in services.UPDATABLE_FIELDS if k in data},
                    village=data.get("village"),
                    town=data.get("town"),
                    organiser_position=data.get("organiser_position"),
                )
                obj.pk = created.pk
                obj.refresh_from_db()
            else:
                changes = {k: data[k] for k in form.changed_data if k in services.UPDATABLE_FIELDS}
                if changes:
                    services.event_update(user=request.user, event=obj, **changes)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def _each(self, request, queryset, fn):
        done, failures = 0, []
        for event in queryset:
            try:
                fn(user=request.user, event=event)
                done += 1
            except DomainError as exc:
                failures.append(f"{event}: {exc.message}")
        _report(self, request, done, failures)

    @admin.action(description=gettext_lazy("列入计划"))
    def plan_events(self, request, queryset):
        self._each(request, queryset, services.event_plan)

    @admin.action(description=gettext_lazy("发布"))
    def publish_events(self, request, queryset):
        self._each(request, queryset, services.event_publish)

    @admin.action(description=gettext_lazy("编译所选活动所在月份的月历"))
    def compile_months(self, request, queryset):
        months = {month_of(s) for s in queryset.values_list("start", flat=True)}
        _compile_months(self, request, months)


@admin.register(MonthlyPlan)
class MonthlyPlanAdmin(admin.ModelAdmin):
    list_display = ["position", "month", "status", "submitted_at", "submitted_by"]
    list_filter = ["status", "month", "position__town"]
    list_select_related = ["position", "submitted_by"]
    search_fields = ["position__name"]
    raw_id_fields = ["position"]
    readonly_fields = ["status", "submitted_at", "submitted_by", "created_at", "updated_at"]
    actions = ["submit_plans"]

    @admin.action(description=gettext_lazy("提交计划"))
    def submit_plans(self, request, queryset):
        done, failures = 0, []
        for plan in queryset.select_related("position"):
            try:
                plans.plan_submit(user=request.user, position=plan.position, month=plan.month)
                done += 1
            except DomainError as exc:
                failures.append(f"{plan}: {exc.message}")
        _report(self, request, done, failures)


@admin.register(PublishedCalendar)
class PublishedCalendarAdmin(admin.ModelAdmin):
    """Versions are immutable: read-only, except for the action that compiles again."""

    list_display = ["month", "version", "event_count", "short_hash", "created_at", "deliveries_n"]
    list_filter = ["month"]
    readonly_fields = [f.name for f in PublishedCalendar._meta.fields]
    actions = ["recompile"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deliveries_n=Count("deliveries"))

    @admin.display(description=gettext_lazy("摘要"))
    def short_hash(self, obj):
        return obj.content_hash[:12]

    @admin.display(description=gettext_lazy("推送数"), ordering="deliveries_n")
    def deliveries_n(self, obj):
        return obj.deliveries_n

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("重新编译所选月份"))
    def recompile(self, request, queryset):
        _compile_months(self, request, queryset.values_list("month", flat=True))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["calendar", "url", "status", "attempts", "response_code", "last_attempt_at"]
    list_filter = ["status"]
    list_select_related = ["calendar"]
    search_fields = ["url", "last_error"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=gettext_lazy("重新推送"))
    def retry(self, request, queryset):
        n = 0
        for delivery in queryset.exclude(status__in=WebhookDelivery.SETTLED):
            webhooks.webhook_retry(delivery=delivery)
            n += 1
        _report(self, request, n, [])


@admin.register(CheckIn)
class CheckInAdmin(AreaAdminMixin, PhoneSearchMixin, admin.ModelAdmin):
    """The check-ins of events in the viewer's area (as for orders: their admins may read the
    phone on the change page); the list masks it, and a phone is searched whole, never by a few
    of its digits."""

    area_town = "event__town"
    area_village = "event__village"
    list_display = ["event", "name", "masked", "volunteer", "created_at"]
    list_select_related = ["event", "volunteer"]
    search_fields = ["name", "event__title"]
    raw_id_fields = ["event", "volunteer", "user"]
    readonly_fields = ["created_at"]

    @admin.display(description=gettext_lazy("手机号"))
    def masked(self, obj):
        return phone_numbers.mask(obj.phone)

    def phone_visible(self, request, queryset):
        return queryset  # the viewer's area (AreaAdminMixin), whose admins see the phone


@admin.register(EventVolunteer)
class EventVolunteerAdmin(admin.ModelAdmin):
    list_display = ["event", "volunteer", "hours", "checked_in", "confirmed", "hours_credited"]
    list_filter = ["confirmed", "checked_in", "hours_credited"]
    list_select_related = ["event", "volunteer"]
    search_fields = ["volunteer__name", "event__title"]
    raw_id_fields = ["event", "volunteer"]
    readonly_fields = ["checked_in", "hours_credited"]


@admin.register(EventPhoto)
class EventPhotoAdmin(admin.ModelAdmin):
    list_display = ["event", "caption", "created_at"]
    list_select_related = ["event"]
    raw_id_fields = ["event", "uploaded_by"]


@admin.register(EventStateChange)
class EventStateChangeAdmin(admin.ModelAdmin):
    list_display = ["event", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["to_state"]
    list_select_related = ["event", "actor"]
    readonly_fields = ["event", "from_state", "to_state", "actor", "note", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

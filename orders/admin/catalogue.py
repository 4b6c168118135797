"""Admin for the practice menu (platforms, categories, menu items) and volunteers' skills (an
inline and a column on the volunteer page: volunteers cannot import orders)."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from orders.models import MenuItem, Platform, ServiceCategory, VolunteerSkill
from stations.admin import ChangelistCountsMixin, PhoneSearchMixin, VillageLabelsMixin
from volunteers.access import phone_visible_q
from volunteers.admin import VolunteerAdmin as BaseVolunteerAdmin
from volunteers.models import Volunteer


@admin.register(Platform)
class PlatformAdmin(ChangelistCountsMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "department", "item_count", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "name_en", "department")

    def changelist_annotations(self):
        return {"_item_count": Count("menu_items")}

    @admin.display(description=_("服务项数"), ordering="_item_count")
    def item_count(self, obj):
        return obj._item_count


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(ChangelistCountsMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "item_count", "volunteer_count", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "name_en", "code")

    def changelist_annotations(self):
        return {
            "_item_count": Count("menu_items", distinct=True),
            "_volunteer_count": Count("skill_links", distinct=True),
        }

    @admin.display(description=_("服务项数"), ordering="_item_count")
    def item_count(self, obj):
        return obj._item_count

    @admin.display(description=_("具备技能的志愿者"), ordering="_volunteer_count")
    def volunteer_count(self, obj):
        return obj._volunteer_count


class MenuItemAdminForm(forms.ModelForm):
    class Meta:
        model = MenuItem
        fields = (
            "title",
            "title_en",
            "description",
            "platform",
            "category",
            "team",
            "is_active",
            "reach",
            "towns",
            "villages",
            "target_group",
            "duration_minutes",
        )

    def clean(self):
        data = super().clean()
        reach = data.get("reach")
        if reach == MenuItem.Reach.TOWNS and not data.get("towns"):
            self.add_error("towns", _("服务范围为“指定镇街”时，请至少选择一个镇街。"))
        if reach == MenuItem.Reach.VILLAGES and not data.get("villages"):
            self.add_error("villages", _("服务范围为“指定村（社区）”时，请至少选择一个村。"))
        return data


@admin.register(MenuItem)
class MenuItemAdmin(VillageLabelsMixin, admin.ModelAdmin):
    form = MenuItemAdminForm
    list_display = (
        "title",
        "platform",
        "category",
        "team",
        "reach",
        "target_group",
        "duration_minutes",
        "is_active",
    )
    list_filter = ("is_active", "platform", "category", "reach", "target_group")
    search_fields = ("title", "title_en", "description", "team__name")
    autocomplete_fields = ("team", "towns", "villages")
    list_select_related = ("platform", "category", "team")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "title_en",
                    "description",
                    "platform",
                    "category",
                    "team",
                    "is_active",
                )
            },
        ),
        (
            _("服务范围"),
            {
                "fields": ("reach", "towns", "villages"),
                "description": _("选择“指定镇街”或“指定村（社区）”时，请填写对应的镇街或村。"),
            },
        ),
        (_("服务方式"), {"fields": ("target_group", "duration_minutes")}),
    )
    actions = ("publish", "withdraw")

    @admin.action(description=_("上架所选服务项"))
    def publish(self, request, queryset):
        updated = queryset.update(is_active=True)
        self.message_user(request, _("已上架 %(n)d 个服务项。") % {"n": updated})

    @admin.action(description=_("下架所选服务项"))
    def withdraw(self, request, queryset):
        updated = queryset.update(is_active=False)
        self.message_user(request, _("已下架 %(n)d 个服务项。") % {"n": updated})


@admin.register(VolunteerSkill)
class VolunteerSkillAdmin(PhoneSearchMixin, admin.ModelAdmin):
    list_display = ("volunteer", "volunteer_village", "category")
    list_filter = ("category",)
    search_fields = ("volunteer__name", "category__name")
    phone_search_field = "volunteer__phone"
    autocomplete_fields = ("volunteer",)
    list_select_related = ("volunteer__home_village", "category")

    @admin.display(description=_("居住村（社区）"), ordering="volunteer__home_village__name")
    def volunteer_village(self, obj):
        return obj.volunteer.home_village

    def phone_visible(self, request, queryset):
        return queryset.filter(phone_visible_q(request.user, prefix="volunteer__"))


class VolunteerSkillInline(admin.TabularInline):
    model = VolunteerSkill
    fields = ("category",)
    extra = 0
    verbose_name = _("技能")
    verbose_name_plural = _("技能（服务类别）")

    def get_queryset(self, request):
        # Each row's title is VolunteerSkill.__str__ ("volunteer · category").
        return super().get_queryset(request).select_related("volunteer", "category")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "category":
            # Nine categories, listed once per page rather than queried again for every row.
            field.choices = list(field.choices)
        return field


# The volunteer page with the skills inline and a skills column (volunteers cannot import orders).
admin.site.unregister(Volunteer)


@admin.register(Volunteer)
class VolunteerAdmin(BaseVolunteerAdmin):
    inlines = (*BaseVolunteerAdmin.inlines, VolunteerSkillInline)
    list_display = (*BaseVolunteerAdmin.list_display, "skill_names")
    list_filter = (*BaseVolunteerAdmin.list_filter, "skill_links__category")

    def get_queryset(self, request):
        skills = Prefetch("skill_links", VolunteerSkill.objects.select_related("category"))
        return super().get_queryset(request).prefetch_related(skills)

    @admin.display(description=_("技能"))
    def skill_names(self, obj):
        names = (link.category.name for link in obj.skill_links.all())
        return pgettext("list separator", "、").join(names)

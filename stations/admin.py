"""Admin for the places (市—镇—村) and their practice positions.

With 1,224 villages every foreign key to a village or town is an autocomplete, and each changelist
selects its related rows in the same query (annotations rather than per-row counts).
"""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from stations.models import City, Position, Role, Town, Village
from stations.scope import scope_for


class ChangelistCountsMixin:
    """Counts shown as changelist columns come from annotations, added only on the changelist.

    One query for the page instead of one per row; and autocomplete lookups, which reuse
    ``get_queryset``, stay a plain indexed search instead of a GROUP BY over the whole table.
    """

    def changelist_annotations(self) -> dict:
        return {}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match and match.url_name and match.url_name.endswith("_changelist"):
            queryset = queryset.annotate(**self.changelist_annotations())
        return queryset


class VillageLabelsMixin:
    """Every village a form offers (autocomplete or list) is named with its town,
    "孙埠村（东沙河街道）": village names repeat across towns (``Village.label``). The
    autocomplete's answers come labelled from ``VillageAdmin.autocomplete_label``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _label_villages(
            db_field, super().formfield_for_foreignkey(db_field, request, **kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _label_villages(
            db_field, super().formfield_for_manytomany(db_field, request, **kwargs)
        )


def _label_villages(db_field, form_field):
    if form_field is not None and db_field.related_model is Village:
        form_field.queryset = form_field.queryset.select_related("town")
        form_field.label_from_instance = village_label
    return form_field


def village_label(village: Village) -> str:
    return village.label


class AreaAdminMixin:
    """The changelist, change pages and autocomplete answers hold the rows of the viewer's area
    only (``stations.scope``, the rule of the pages and the API): the city centre and superusers
    see every row, a town admin their town's, a station head their village's, staff without an
    area role none. ``area_town`` and ``area_village`` are the rows' lookups of their place."""

    area_town = "town"
    area_village = "village"

    def get_queryset(self, request):
        return scope_for(request.user).filter(
            super().get_queryset(request), town=self.area_town, village=self.area_village
        )


class PhoneSearchMixin:
    """The changelist's search finds a phone however it is typed (``138 1234 1234``,
    ``+86-138…``, full-width digits): a search that reads as a mobile number
    (``core.phone.normalize``) looks up the stored 11 digits in ``phone_search_field``. Anything
    else is the usual word search over ``search_fields``, which name no phone field: a search by
    digits would find numbers the viewer sees masked.

    A phone finds only the rows whose full phone the viewer may see (``phone_visible``, the
    model's masking rule): whoever sees ``138****1234`` cannot learn whose number a full one is
    by searching for it."""

    phone_search_field = "phone"

    def phone_visible(self, request, queryset):
        """The rows of ``queryset`` whose full phone ``request.user`` may see."""
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        phone = phone_numbers.normalize(search_term.strip())
        if phone is not None:
            found = queryset.filter(**{self.phone_search_field: phone})
            return self.phone_visible(request, found), False
        return super().get_search_results(request, queryset, search_term)


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that shows an already-loaded choice without a query for its label.

    The stock widget queries the selected object once per rendering: once per row in an inline.
    """

    known: dict[str, str] = {}  # noqa: RUF012 - replaced (never mutated) per widget copy

    def optgroups(self, name, value, attr=None):
        wanted = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not wanted or not wanted <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(wanted):
            options.append(self.create_option(name, key, self.known[key], wanted, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteInline:
    """Inline mixin: autocomplete fields render from the rows' ``select_related`` objects.

    The inline's ``get_queryset`` must ``select_related`` every name in ``autocomplete_fields``;
    then an inline of 40 members costs one query, not 40.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        names = tuple(self.get_autocomplete_fields(request))
        base_form = formset.form

        class Form(base_form):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                for name in names:
                    model_field = self.instance._meta.get_field(name)
                    form_field = self.fields.get(name)
                    if form_field is None or not model_field.is_cached(self.instance):
                        continue
                    related = getattr(self.instance, name)
                    widget = getattr(form_field.widget, "widget", form_field.widget)
                    if related is not None and isinstance(widget, PreloadedAutocompleteSelect):
                        widget.known = {str(related.pk): form_field.label_from_instance(related)}

        Form.__name__ = base_form.__name__
        formset.form = Form
        return formset


@admin.register(City)
class CityAdmin(ChangelistCountsMixin, admin.ModelAdmin):
    list_display = ("name", "code", "town_count")
    search_fields = ("name", "code")

    def changelist_annotations(self):
        return {"_town_count": Count("towns")}

    @admin.display(description=_("镇（街道）数"), ordering="_town_count")
    def town_count(self, obj):
        return obj._town_count


class VillageInline(admin.TabularInline):
    """A town's villages: a short row each (name, kind, code); details on the village page."""

    model = Village
    fields = ("name", "kind", "code", "population")
    extra = 0
    show_change_link = True
    classes = ("collapse",)


@admin.register(Town)
class TownAdmin(ChangelistCountsMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "city", "code", "village_count", "sort_order")
    list_filter = ("kind",)
    list_editable = ("sort_order",)
    search_fields = ("name", "code")
    list_select_related = ("city",)
    inlines = (VillageInline,)

    def changelist_annotations(self):
        return {"_village_count": Count("villages")}

    @admin.display(description=_("村（社区）数"), ordering="_village_count")
    def village_count(self, obj):
        return obj._village_count


class HasStationFilter(admin.SimpleListFilter):
    title = _("实践站")
    parameter_name = "has_station"

    def lookups(self, request, model_admin):
        return (("yes", _("已建站")), ("no", _("未建站")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_has_station=True)
        if self.value() == "no":
            return queryset.filter(_has_station=False)
        return queryset


@admin.register(Village)
class VillageAdmin(ChangelistCountsMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "town", "code", "population", "has_station", "volunteer_count")
    list_filter = ("kind", HasStationFilter, "town")
    search_fields = ("name", "code", "town__name")
    autocomplete_fields = ("town",)
    list_select_related = ("town",)
    list_per_page = 50

    autocomplete_label = staticmethod(village_label)  # config.admin_site names answers with it

    def get_queryset(self, request):
        # The town for each row's label (list, autocomplete answers) in the same query.
        return super().get_queryset(request).select_related("town")

    def changelist_annotations(self):
        stations = Position.objects.filter(village=OuterRef("pk"), level=Position.Level.STATION)
        return {"_has_station": Exists(stations), "_volunteer_count": Count("volunteers")}

    @admin.display(description=_("已建站"), boolean=True, ordering="_has_station")
    def has_station(self, obj):
        return obj._has_station

    @admin.display(description=_("志愿者数"), ordering="_volunteer_count")
    def volunteer_count(self, obj):
        return obj._volunteer_count


@admin.register(Position)
class PositionAdmin(VillageLabelsMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "level",
        "area",
        "venue",
        "head_name",
        "head_phone",
        "opening_hours",
        "is_active",
    )
    list_filter = ("level", "is_active", "review_orders", "town")
    search_fields = ("name", "address", "venue", "head_name", "village__name", "town__name")
    autocomplete_fields = ("town", "village", "head_user")
    list_select_related = ("city", "town", "village")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("level", "name", "city", "town", "village", "is_active")}),
        (_("场所"), {"fields": ("venue", "address", "opening_hours")}),
        (_("负责人"), {"fields": ("head_name", "head_phone", "head_user")}),
        (_("点单"), {"fields": ("review_orders",)}),
    )

    @admin.display(description=_("服务区域"), ordering="village__name")
    def area(self, obj):
        return obj.area_name


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "user_full_name", "kind", "city", "town", "position")
    list_filter = ("kind", "town")
    search_fields = ("user__username", "user__first_name", "town__name", "position__name")
    autocomplete_fields = ("user", "town", "position")
    list_select_related = ("user", "city", "town", "position")

    @admin.display(description=_("姓名"), ordering="user__first_name")
    def user_full_name(self, obj):
        return obj.user.get_full_name()

"""The project's admin site: Django's, with autocomplete answers a model admin may label.

Village names repeat across towns (five 孙埠村), so an autocomplete that answers ``str(obj)``
offers five identical choices. A model admin with an ``autocomplete_label(obj)`` method names its
objects in autocomplete answers with it (``VillageAdmin``: "孙埠村（东沙河街道）").
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class WenmingAdminSite(AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)


class WenmingAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``WenmingAdminSite`` as ``admin.site``."""

    default_site = "config.admin_site.WenmingAdminSite"

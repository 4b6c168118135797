"""``{{ ref|display_name }}``: a category's or platform's name in the reader's language, for the
published calendar's items (plain dicts ``{"id", "name", "name_en"}``); model instances have the
``display_name`` property, which says the same (``core.names.in_language``)."""

from django import template

from core.names import in_language

register = template.Library()


@register.filter
def display_name(ref) -> str:
    if not ref:
        return ""
    if isinstance(ref, dict):
        return in_language(ref.get("name", ""), ref.get("name_en"))
    return ref.display_name

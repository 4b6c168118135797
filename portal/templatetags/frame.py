"""The site's header, rendered once per process for each thing it can show.

The header (brand, bell, name, logout, language picker, the menu by role) is the same bytes for
every request that shows the same values, yet rendering it through the template engine cost
≈ 1 ms of every signed-in page (its translations, URL tags, lazy labels and the language
list: ``bench/README.md``, session 10). So the rendered header is kept per process under a key
made of every value it shows, and only the CSRF tokens, which change per request, are put in
afterwards. A value missing from the key would show one login's header to another: the key is
built from the same context the template reads, and ``tests/portal/test_frame.py`` changes
each value in turn and checks that the page follows.
"""

from __future__ import annotations

import secrets

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.stored import LocalBlobs

register = template.Library()

TEMPLATE = "_site_header.html"
# Stands for the CSRF token while the header is rendered; replaced with the request's own.
# Random per process, as core.pages' is: a fixed one could be written into a URL (the header
# prints the path) and would come back as the reader's token, in a link and in their logs.
_TOKEN = f"csrf{secrets.token_hex(16)}"
# Per worker: a header is ≈ 2.5 KB; keys vary by login, path and language.
_KEPT = LocalBlobs(size=2048)


def _forget(**kwargs) -> None:
    """A test that changes LANGUAGES or the URLs must not be shown another setting's header."""
    _KEPT.clear()


setting_changed.connect(_forget, dispatch_uid="portal.frame.forget")


def _key(context, request) -> tuple:
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    # A link's label is its name's, in the language already in the key (no translation here).
    nav = tuple(
        (link["name"], link["url"], bool(link["active"])) for link in context.get("nav_links", ())
    )
    return (
        get_language(),
        get_urlconf(),
        get_script_prefix(),
        request.path,
        request.get_full_path(),
        authenticated,
        user.pk if authenticated else None,
        (user.get_full_name() or user.username) if authenticated else "",
        str(context.get("inbox_unread") or 0) if authenticated else "",  # as shown
        nav,
    )


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    request = context.get("request")
    engine = context.template.engine
    # The token {% csrf_token %} would print: the request's (the context processor's lazy
    # get_token, which also has the middleware set the cookie), or the placeholder of a page
    # kept whole for every visitor (core.pages), which puts each visitor's own in later.
    token = str(context.get("csrf_token") or "")
    if request is None or token in ("", "NOTPROVIDED"):  # an e-mail, a page without a token
        return mark_safe(engine.get_template(TEMPLATE).render(context))  # noqa: S308

    def render() -> str:
        with context.push(csrf_token=_TOKEN):
            return engine.get_template(TEMPLATE).render(context)

    html = _KEPT.get(_key(context, request), render)
    return mark_safe(html.replace(_TOKEN, escape(token)))  # noqa: S308 — escaped by the engine

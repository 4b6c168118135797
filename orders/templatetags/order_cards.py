"""An order's status badge and its card in the staff list, written in Python.

Both are rendered once per row of the busiest staff pages (``/station/orders/``, the town's
list, the volunteer dashboard): as template includes, a 20-row list spent most of its time in
the template engine (an include, a context push and ≈ 20 translation lookups and variable
resolutions per row: ``bench/README.md``, session 10). The markup is the same; the texts are
the same msgids, looked up once per row at most.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from core.stored import LocalBlobs
from orders.models import Order

register = template.Library()

# A choice's label by language: ``get_<field>_display()`` hashes every choice's lazy label on
# each call, ≈ 10 translation lookups per badge.
_LABELS = LocalBlobs(size=32)


def _label(choices, value: str) -> str:
    labels = _LABELS.get(
        (choices, get_language()), lambda: {v: str(label) for v, label in choices.choices}
    )
    return labels.get(value, value)


@register.simple_tag
def order_status(order) -> SafeString:
    """The state, coloured by how it ended or waits, and the overdue mark (``is_overdue``)."""
    if order.is_served:
        css = "badge ok"
    elif order.is_closed:
        css = "badge bad"
    elif order.is_waiting:
        css = "badge warn"
    else:
        css = "badge"
    html = format_html('<span class="{}">{}</span>', css, _label(Order.Status, order.status))
    if order.is_overdue:
        html += format_html(' <span class="badge bad">{}</span>', _("超时未接单"))
    return html


@register.simple_tag
def admin_card(order) -> SafeString:
    """One order in the station's list: what it is, its state, where, when, who and how rated."""
    title = format_html(
        '<a href="{}">{}</a> {}',
        reverse("orders:station_order_detail", args=[order.pk]),
        order.menu_item.display_title,
        order_status(order),
    )
    if order.needs_follow_up:
        title += format_html(' <span class="badge bad">{}</span>', _("需回访"))
    created = date_format(timezone.localtime(order.created_at), "Y-m-d H:i")
    where = format_html(
        '{} · {} {} · {} · <span class="channel channel-{}">{}</span>',
        order.number,
        order.town.name,
        order.village.name,
        created,
        order.channel,
        _label(Order.Channel, order.channel),
    )
    if order.anonymised_at:
        who = format_html("{}", _("已匿名化（个人信息已删除）"))
    else:
        who = format_html("{} {}", order.name, order.masked_phone)
    owner_label = order.owner_label
    if owner_label:
        owner = (order.accepted_by.name if order.accepted_by_id else "") or owner_label
        who += format_html(" · {}", _("接单：%(owner)s") % {"owner": owner})
    if order.stars:
        who += format_html(" · {}★", order.stars)
    return format_html(
        '<li class="card order-card">\n  <h3>{}</h3>\n  <p class="meta">{}</p>\n'
        '  <p class="meta">{}</p>\n</li>',
        title,
        where,
        who,
    )


@register.simple_tag
def open_order_card(order, volunteer, csrf_token) -> SafeString:
    """One claimable order on the volunteer's dashboard, with its claim button."""
    title = format_html("{} {}", order.menu_item.display_title, order_status(order))
    if order.village_id == volunteer.home_village_id:
        title += format_html(' <span class="badge ok">{}</span>', _("本村"))
    if order.tier != "village":
        title += format_html(
            ' <span class="badge">{}</span>',
            _("无人接单，已升级至%(tier)s") % {"tier": _label(Order.Tier, order.tier)},
        )
    meta = format_html(
        "{} · {} · {} · {}",
        order.number,
        order.village.name,
        order.category.display_name,
        ngettext("%(n)s 人", "%(n)s 人", order.people) % {"n": order.people},
    )
    if order.preferred_date:
        meta += format_html(" · {}", date_format(order.preferred_date, "m-d"))
    meta += format_html(" {}", order.preferred_window)
    description = (
        format_html("\n      <p>{}</p>", Truncator(order.description).chars(80))
        if order.description
        else ""
    )
    contact = _("联系人：%(name)s** %(phone)s") % {
        "name": order.name[:1],
        "phone": order.masked_phone,
    }
    return format_html(
        '<li class="card order-card">\n      <h3>{}</h3>\n      <p class="meta">{}</p>{}\n'
        '      <p class="meta">{}</p>\n      <form method="post" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="button primary">{}</button></form>\n    </li>',
        title,
        meta,
        description,
        contact,
        reverse("orders:claim", args=[order.pk]),
        csrf_token,
        pgettext("button: claim an open order", "接单"),
    )

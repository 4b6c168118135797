"""The village picker: the first step of the order form (点单) and of the volunteer sign-up
(成为志愿者), with and without JavaScript (``templates/includes/village_picker_form.html`` and
``orders/village_picker.js``).

One search, one cap and one "下一步" rule for both pages and the picker's JSON: a town's villages
or a search by name or pinyin, at most ``LIMIT`` of them (a capped list says so), and "下一步"
with no village chosen takes the single match as the choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import pinyin
from core.params import id_or_none
from stations.models import Town, Village

LIMIT = 200
QUERY_MAX = 20  # the search box's maxlength


def villages_for_picker(*, town_id: int | None = None, query: str = "") -> QuerySet[Village]:
    """A town's villages, or a search by name or by its pinyin ("sunbu" or "sbc" finds 孙埠村;
    ``core.pinyin``), still one query; none when neither is given."""
    qs = Village.objects.select_related("town").order_by("town__sort_order", "name")
    if town_id:
        qs = qs.filter(town_id=town_id)
    if query:
        match = Q(name__icontains=query)
        latin = pinyin.normalize_query(query)
        if latin:
            match |= Q(name_pinyin__contains=latin)
        qs = qs.filter(match)
    if not town_id and not query:
        return qs.none()
    return qs


def chosen(request) -> Village | None:
    """The village the picker sent (``village`` in the form or the query string), if it exists."""
    village_id = id_or_none(request.POST.get("village") or request.GET.get("village"))
    if village_id is None:
        return None
    return Village.objects.select_related("town").filter(pk=village_id).first()


@dataclass(frozen=True)
class Found:
    """The town and query asked for, the villages found (at most ``LIMIT``) and whether there
    were more."""

    town_id: int | None
    query: str
    villages: list[Village]
    capped: bool

    @property
    def searched(self) -> bool:
        return bool(self.town_id or self.query)


def search(params) -> Found:
    """The picker's search from a query string (``town``, ``q``)."""
    town_id = id_or_none(params.get("town"))
    query = (params.get("q") or "").strip()[:QUERY_MAX]
    found = list(villages_for_picker(town_id=town_id, query=query)[: LIMIT + 1])
    return Found(town_id, query, found[:LIMIT], len(found) > LIMIT)


def picker_page(request, *, template: str, next_url: str) -> HttpResponse:
    """The picker's page (``template`` includes the shared form). "下一步" (``step=next``) with no
    village chosen: a single match goes on to ``next_url?village=<id>``; otherwise the page asks
    for a village again."""
    found = search(request.GET)
    if request.method == "POST" or request.GET.get("step") == "next":
        if len(found.villages) == 1 and request.method == "GET":
            return redirect(f"{next_url}?village={found.villages[0].pk}")
        messages.error(request, _("请先选择村（社区）。"))
    context = {
        "action": next_url,
        "towns": Town.objects.order_by("sort_order", "name"),
        "town_id": found.town_id,
        "query": found.query,
        "villages": found.villages,
        "capped": found.capped,
        "limit": LIMIT,
        "query_max": QUERY_MAX,
        "searched": found.searched,
    }
    return render(request, template, context)

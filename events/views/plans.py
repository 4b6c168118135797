"""Monthly plans: each station's plan for a month, and submitting it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.filters import MAX_ID
from core.months import add_months, current_month, label
from core.params import is_digits
from events import plans as plan_services
from events import selectors
from events.models import Event
from events.views.guards import month_or_404, require_admin
from stations.models import Position
from stations.scope import scope_for


@login_required
@require_GET
def plans(request):
    return redirect("events:plan_month", ym=label(add_months(current_month(), 1)))


@login_required
@require_GET
def plan_month(request, ym: str):
    month, _unused = month_or_404(ym)
    require_admin(request)
    scope = scope_for(request.user)
    rows = selectors.plan_overview(request.user, month)
    own = [row for row in rows if row.position.pk in scope.position_ids]
    own_sections = _own_sections(own, month)
    due_day = min(settings.WENMING_PLAN_DUE_DAY, 28)
    prev = add_months(month, -1)
    context = {
        "month": month,
        "month_str": ym,
        "prev_month": label(prev),
        "next_month": label(add_months(month, 1)),
        "own_sections": own_sections,
        "rows": rows if (scope.everything or scope.town_ids) else [],
        "missing": [r for r in rows if not r.submitted],
        "submitted_count": sum(1 for r in rows if r.submitted),
        "due_date": dt.date(prev.year, prev.month, due_day),
        "is_past": month < current_month(),
    }
    return render(request, "events/plan_month.html", context)


def _own_sections(rows, month: dt.date) -> list[dict]:
    sections = []
    for row in rows:
        events = list(selectors.position_month_events(row.position, month))
        # A draft is not in the plan nor in the calendar until "列入计划": say so, even (above
        # all) once the plan is submitted and looks finished.
        drafts = sum(1 for e in events if e.state == Event.State.DRAFT)
        sections.append({"row": row, "events": events, "drafts": drafts})
    return sections


@login_required
@require_GET
def plan_print(request, ym: str):
    """The station's own month plan on one A4 sheet (landscape): its events with date, time,
    category, place and state; drafts are marked as not yet in the plan."""
    month, _unused = month_or_404(ym)
    require_admin(request)
    scope = scope_for(request.user)
    own = [
        row
        for row in selectors.plan_overview(request.user, month)
        if row.position.pk in scope.position_ids
    ]
    if not own:
        raise Http404(_("未找到。"))
    context = {"month": month, "month_str": ym, "own_sections": _own_sections(own, month)}
    return render(request, "events/plan_print.html", context)


@login_required
@require_POST
def plan_submit(request, ym: str):
    month, _unused = month_or_404(ym)
    raw = (request.POST.get("position") or "").strip()
    if not is_digits(raw) or int(raw) > MAX_ID:
        raise Http404(_("未找到。"))
    position = get_object_or_404(Position, pk=int(raw))
    try:
        plan_services.plan_submit(
            user=request.user, position=position, month=month, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404(str(exc.message)) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(month)s 活动计划已提交。") % {"month": ym})
    return redirect("events:plan_month", ym=ym)


@login_required
@require_POST
def plan_remind(request, ym: str):
    """A town (or city) admin reminds the stations of their area that have not submitted
    ``ym``'s plan; each station is reminded at most once a day however often this is pressed."""
    month, _unused = month_or_404(ym)
    scope = scope_for(request.user)
    if not (scope.everything or scope.town_ids):
        raise Http404(_("未找到。"))
    missing = [
        row.position.pk for row in selectors.plan_overview(request.user, month) if not row.submitted
    ]
    if month < current_month():
        messages.error(request, _("不能提醒过去月份的计划。"))
    else:
        count = plan_services.plan_remind_missing(month=month, stations=missing)
        if count:
            messages.success(request, _("已提醒 %(n)d 个未提交计划的实践站。") % {"n": count})
        else:
            messages.info(request, _("今天已经提醒过这些实践站，明天可再次提醒。"))
    return redirect("events:plan_month", ym=ym)

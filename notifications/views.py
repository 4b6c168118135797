"""The inbox (站内信) and the login's notification preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import InvalidInput, NotInScope
from notifications import selectors, services
from notifications.kinds import SPECS, USER_KINDS, Channel, Kind

PAGE_SIZE = 30


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_open(request, pk: int):
    """Mark the message read and follow its link (a path on this site, never elsewhere)."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except NotInScope:
        raise Http404 from None
    url = notification.url
    if url.startswith("/") and not url.startswith("//"):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    count = services.notification_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    pref = getattr(request.user, "notification_preference", None)
    saved = pref.channels if pref is not None else {}
    errors: dict = {}
    if request.method == "POST":
        chosen = {kind: request.POST.getlist(kind) for kind in USER_KINDS}
        try:
            services.preferences_update(
                user=request.user, channels=chosen, phone=request.POST.get("phone", "")[:20]
            )
        except InvalidInput as exc:
            errors = exc.fields
            saved = chosen
        else:
            messages.success(request, _("通知设置已保存。"))
            return redirect("notifications:preferences")
    rows = []
    for kind in USER_KINDS:
        spec = SPECS[kind]
        current = saved.get(kind, list(spec.default))
        rows.append(
            {
                "kind": kind,
                "label": Kind(kind).label,
                "channels": [
                    {"value": c, "label": Channel(c).label, "checked": c in current}
                    for c in spec.allowed
                ],
            }
        )
    context = {
        "rows": rows,
        "phone": request.POST.get("phone", "") if errors else (pref.phone if pref else ""),
        "errors": errors,
    }
    return render(request, "notifications/preferences.html", context, status=400 if errors else 200)

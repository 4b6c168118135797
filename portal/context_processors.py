"""Navigation shown on every page, by what the login may do."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from stations.scope import scope_for

# (url name, label, who sees it): "all", "volunteer", "station" (a station head), "admin" (any
# area role), "staff".
NAV = [
    ("portal:home", _("首页"), "all"),
    ("orders:new", _("我要点单"), "all"),
    ("events:calendar", _("活动月历"), "all"),
    ("wishes:wall", _("心愿墙"), "all"),
    ("orders:volunteer_dashboard", _("志愿者接单"), "volunteer"),
    ("portal:today", _("今日工作"), "station"),
    ("orders:station_orders", _("站点管理"), "admin"),
    ("events:plans", _("活动计划"), "admin"),
    ("reports:coverage", _("统计报表"), "admin"),
    ("privacy:resident", _("个人信息申请"), "admin"),
    ("admin:index", _("后台"), "staff"),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    is_volunteer = authenticated and hasattr(user, "volunteer")
    scope = scope_for(user) if authenticated else None
    is_admin = bool(scope and scope.is_admin)
    allowed = {
        "all": True,
        "volunteer": is_volunteer,
        "station": bool(scope and scope.position_ids),
        "admin": is_admin,
        "staff": authenticated and user.is_staff,
    }
    links = []
    for name, label, who in NAV:
        if not allowed[who]:
            continue
        try:
            links.append(
                {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
            )
        except NoReverseMatch:
            continue  # that part of the product is not installed
    return {"nav_links": links}

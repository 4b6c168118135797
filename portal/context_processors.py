"""Navigation shown on every page, by what the login may do."""

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.stored import LocalBlobs
from stations.scope import roles_generation, scope_for

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


# Per process: whether a login is a volunteer (by login and roles generation), and each link's
# URL (by URLconf, script prefix and language): read by the frame of every page.
_VOLUNTEERS = LocalBlobs(size=4096)
_URLS = LocalBlobs(size=64)


def _is_volunteer(user) -> bool:
    return _VOLUNTEERS.get(
        (user.pk, roles_generation(user)), lambda: (hasattr(user, "volunteer"),)
    )[0]


def _urls() -> dict[str, str | None]:
    def resolve() -> dict[str, str | None]:
        urls: dict[str, str | None] = {}
        for name, _label, _who in NAV:
            try:
                urls[name] = reverse(name)
            except NoReverseMatch:
                urls[name] = None  # that part of the product is not installed
        return urls

    return _URLS.get((get_urlconf(), get_script_prefix(), get_language()), resolve)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    is_volunteer = authenticated and _is_volunteer(user)
    scope = scope_for(user) if authenticated else None
    is_admin = bool(scope and scope.is_admin)
    allowed = {
        "all": True,
        "volunteer": is_volunteer,
        "station": bool(scope and scope.position_ids),
        "admin": is_admin,
        "staff": authenticated and user.is_staff,
    }
    urls = _urls()
    return {
        "nav_links": [
            {"name": name, "url": urls[name], "label": label, "active": request.path == urls[name]}
            for name, label, who in NAV
            if allowed[who] and urls[name] is not None
        ]
    }

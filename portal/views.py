from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.months import label
from core.pages import render_shared
from portal import selectors
from portal.homes import home_url_for


def home(request):
    stats = selectors.home_stats()
    # The same page for every visitor without a login while the figures stay the same.
    return render_shared(
        request, "portal/home.html", tuple(sorted(stats.items())), lambda: {"stats": stats}
    )


@login_required
@require_GET
def my_home(request):
    """After login (``LOGIN_REDIRECT_URL``): each role's own start page (``portal.homes``)."""
    return redirect(home_url_for(request.user))


@login_required
@require_GET
def station_today(request):
    """A station head's day: orders waiting for them, today's events and check-ins, the plans."""
    stations = selectors.stations_headed(request.user)
    if not stations:
        raise Http404
    days = [selectors.station_today(station) for station in stations]
    for day in days:
        for plan in day.plans:
            plan.label = label(plan.month)
    return render(request, "portal/station_today.html", {"days": days})

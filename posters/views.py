"""Station posters: print-ready HTML (A4), the same as a PDF, and a town's posters as one PDF.

Only the people who run a station see its poster pages (its head, the town's and the city's
admins): anyone else gets a 404, as for everything outside one's area. The printed poster is
what the public sees.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import qr
from core.absolute_urls import site_url
from core.downloads import content_disposition
from core.params import is_digits
from posters import pdf, selectors
from stations.scope import scope_for


def _pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, disposition="inline")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def poster_index(request):
    """The stations (and whole towns) whose posters this login prints."""
    scope = scope_for(request.user)
    if not scope.is_admin:
        raise Http404
    towns = list(selectors.towns_for_user(request.user))
    stations = selectors.stations_for_user(request.user)
    town = None
    town_id = request.GET.get("town", "")
    if is_digits(town_id):
        town = selectors.town_for_user(request.user, int(town_id))
        if town is None:
            raise Http404
        stations = stations.filter(town=town)
    elif scope.everything:
        stations = stations.none()  # 1,224 stations: pick a town first
    context = {"towns": towns, "stations": list(stations[:500]), "town": town}
    return render(request, "posters/index.html", context)


@login_required
@require_GET
def station_poster(request, pk: int):
    station = selectors.station_for_user(request.user, pk)
    if station is None:
        raise Http404
    (poster,) = selectors.posters_for([station], site=site_url(request))
    context = {
        "poster": poster,
        "station": station,
        "order_qr": qr.svg(poster.order_url, title=_("点单二维码")),
        "calendar_qr": qr.svg(poster.calendar_url, title=_("活动月历二维码")),
    }
    return render(request, "posters/station_poster.html", context)


@login_required
@require_GET
def station_poster_pdf(request, pk: int):
    station = selectors.station_for_user(request.user, pk)
    if station is None:
        raise Http404
    body = pdf.render(selectors.posters_for([station], site=site_url(request)), title=station.name)
    return _pdf_response(body, f"poster-station-{station.pk}.pdf")


@login_required
@require_GET
def town_posters_pdf(request, pk: int):
    """All the town's station posters in one file, for a town (or city) admin."""
    town = selectors.town_for_user(request.user, pk)
    if town is None:
        raise Http404
    stations = selectors.town_stations(town)
    title = _("%(town)s 实践站海报") % {"town": town.name}
    body = pdf.render(selectors.posters_for(stations, site=site_url(request)), title=title)
    return _pdf_response(body, f"posters-town-{town.pk}.pdf")

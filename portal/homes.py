"""Where each login lands after signing in: the one rule for "my home page" (issue 16).

City (and superusers) → the city's coverage; a town admin → their town's coverage; a station
head → the station's "today" page; a volunteer → their dashboard; anyone else → the home page.
The widest administrative role wins: a station head who is also a volunteer of their village
starts from the station's work, and reaches the dashboard from the menu.
"""

from __future__ import annotations

from django.urls import reverse

from stations.scope import scope_for


def home_url_for(user) -> str:
    if user is None or not user.is_authenticated:
        return reverse("portal:home")
    scope = scope_for(user)
    if scope.everything:
        return reverse("reports:coverage")
    if scope.town_ids:
        # One town: its coverage page (the report picks the town itself when there is one).
        return reverse("reports:coverage")
    if scope.position_ids:
        return reverse("portal:today")
    if hasattr(user, "volunteer") and user.volunteer.is_active:
        return reverse("orders:volunteer_dashboard")
    return reverse("portal:home")

"""Who may see a volunteer's full phone (personal data, PIPL).

The volunteer themselves, and the admins who dispatch and call them: a superuser or the city
centre (every volunteer), a town admin (their town's volunteers), a station head (their
village's). Everyone else — other staff in the admin, other volunteers, admins of other areas —
sees the masked number (``core.phone.mask``: 139****1111). The API, the admin's volunteer list
and its change page all ask this one function; the admin's search by phone asks its filter form,
``phone_visible_q``.
"""

from __future__ import annotations

from django.db.models import Q

from stations.scope import scope_for
from volunteers.models import Volunteer


def administers(user, volunteer: Volunteer) -> bool:
    """An admin whose area covers the volunteer's home village: who keeps their records and
    certifies them, and may read their phone and points."""
    return scope_for(user).covers_village(volunteer.home_village_id, volunteer.town_id)


def may_see_phone(user, volunteer: Volunteer) -> bool:
    """The volunteer themselves or an admin of their area (``administers``); also who may read
    their points balance."""
    if user is None or not user.is_authenticated:
        return False
    if volunteer.user_id is not None and volunteer.user_id == user.pk:
        return True
    return administers(user, volunteer)


def phone_visible_q(user, *, prefix: str = "") -> Q:
    """``may_see_phone`` as a filter: the volunteers (``prefix``: reached from other rows, as
    ``volunteer__``) whose full phone ``user`` may see."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    scope = scope_for(user)
    if scope.everything:
        return Q()
    own = Q(**{f"{prefix}user_id": user.pk})
    return own | scope.q(town=f"{prefix}town", village=f"{prefix}home_village")

"""Who may see a volunteer's full phone (personal data, PIPL).

The volunteer themselves, and the admins who dispatch and call them: a superuser or the city
centre (every volunteer), a town admin (their town's volunteers), a station head (their
village's). Everyone else — other staff in the admin, other volunteers, admins of other areas —
sees the masked number (``core.phone.mask``: 139****1111). The API, the admin's volunteer list
and its change page all ask this one function.
"""

from __future__ import annotations

from stations.scope import scope_for
from volunteers.models import Volunteer


def may_see_phone(user, volunteer: Volunteer) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if volunteer.user_id is not None and volunteer.user_id == user.pk:
        return True
    return scope_for(user).covers_village(volunteer.home_village_id, volunteer.town_id)

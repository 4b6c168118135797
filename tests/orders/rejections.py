"""Every out-of-reach case of every order action (another area, a role that may not, a wrong
state), written once: ``test_access.py`` sends each through the API and the pages, which must
give the same answer for the same person and order. The API's action views call the services
with the same arguments and answer with the domain error's status and code, so a row is also the
service's answer; ``test_services.py`` keeps what only the service is asked here (bad input,
confirming hours).

An order is named by its situation, made by the ``make_order`` fixture (``tests/orders/
conftest.py``); a person by the fixture that makes them.
"""

from orders.models import Order
from volunteers.models import ServiceRecord

MISSING = 999_999

PAYLOADS = {
    "claim": {},
    "approve": {},
    "reject": {"reason": "不在服务范围"},
    "cancel": {"reason": "天气原因"},
    "assign": {"team": None},  # filled in with the volunteer's team
    "complete": {"hours": "1.5", "note": "讲座完成"},
    "release": {"reason": "临时有事"},
}

# (action, who, order, status in the API). Every out-of-reach case of every action.
REJECTIONS = [
    # Claiming: a login that is not an active volunteer is refused whatever the order (403);
    # otherwise anything but an open order of one's own town is out of sight (404).
    ("claim", "far_volunteer", "open", 404),
    ("claim", "volunteer", "submitted", 404),  # not yet open to volunteers: as if it did not exist
    ("claim", "volunteer", "theirs", 404),
    ("claim", "volunteer", "missing", 404),
    ("claim", "volunteer", "mine", 409),  # their own order, already accepted
    ("claim", "station_head", "open", 403),
    ("claim", "inactive_volunteer", "open", 403),
    ("claim", "inactive_volunteer", "missing", 403),  # the same answer for every number
    ("claim", "anonymous", "open", 401),
    # Reviewing, assigning, cancelling: the area's admins.
    ("approve", "other_town_admin", "submitted", 404),
    ("approve", "volunteer", "submitted", 404),  # a volunteer cannot even see a submitted order
    ("approve", "volunteer", "open", 403),  # sees it (open in their town), may not review it
    ("approve", "station_head", "open", 409),
    ("approve", "station_head", "missing", 404),
    ("reject", "volunteer", "open", 403),
    ("reject", "town_admin", "mine", 409),
    ("assign", "other_town_admin", "open", 404),
    ("assign", "volunteer", "open", 403),
    ("assign", "station_head", "mine", 409),
    ("cancel", "other_town_admin", "mine", 404),
    ("cancel", "town_volunteer", "mine", 404),  # someone else's accepted order
    ("cancel", "volunteer", "mine", 403),  # their own, but cancelling is the station's
    ("cancel", "station_head", "completed", 409),
    # Completing and releasing: the owner, a member of the owning team, or an area admin.
    ("complete", "town_volunteer", "mine", 404),  # another volunteer does not see it
    ("complete", "town_volunteer", "team", 404),  # not a member of the team
    ("complete", "other_town_admin", "mine", 404),
    ("complete", "inactive_volunteer", "mine", 404),
    ("complete", "volunteer", "open", 403),  # sees it, nobody owns it yet
    ("complete", "volunteer", "completed", 409),  # once: no second record of hours
    ("release", "town_volunteer", "mine", 404),
    ("release", "far_volunteer", "mine", 404),
    ("release", "volunteer", "open", 403),
    ("release", "volunteer", "completed", 409),
]


def user_of(request, who: str):
    """The login of the fixture named ``who`` (``None`` for ``anonymous``)."""
    if who == "anonymous":
        return None
    actor = request.getfixturevalue(who)
    return getattr(actor, "user", actor)  # volunteers log in with their user


def payload(action: str, volunteer) -> dict:
    """What the API is sent for ``action``; assigning goes to ``volunteer``'s team."""
    data = dict(PAYLOADS[action])
    if action == "assign":
        data["team"] = volunteer.teams.get().pk
    return data


def snapshot(order: Order | None):
    """What a refused action must leave as it was: the order's state and owner, its history
    and the hours recorded for it."""
    if order is None:
        return None
    order.refresh_from_db()
    records = ServiceRecord.objects.filter(source_kind="order", source_id=order.pk)
    return (
        order.status,
        order.accepted_by_id,
        order.accepted_team_id,
        order.status_changes.count(),
        sorted(records.values_list("volunteer_id", "status", "hours")),
    )

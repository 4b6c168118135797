"""The report figures, each defined once (README "Report figures" says the same in words).

Months are calendar months in Asia/Shanghai (``core.months``). The rollups and the reports
call these functions; nothing else decides what a figure counts.

- **received** (``order_received_at``): an order counts in the month it was submitted.
- **overdue** (``order_overdue_at``): in the month it was received, when it was still waiting
  (submitted or open) at the moment its WENMING_ORDER_OVERDUE_HOURS ran out, judged from its
  status-change rows; cancelled and rejected orders never count. Readers compare the moment
  with now (``counts_as_overdue``), so the figure needs no periodic task.
- **accepted** (``order_standing_acceptance``): in the month of its standing acceptance (the
  last time it was accepted), when it is now accepted, completed or rated.
- **completed** / **service** (``order_completed_at``): a completed or rated order in the month
  of its completion; a done event in the month it ends (``event_service_month_field``).
- **results** / **rated** (``order_rated_at``): ratings given in the month (a rated order, in
  the month of its rating).
- **team of an order** (``order_team``, the orders report's "by team"): the team that accepted
  it, else the team that offers its menu item.
- **team**: ``reports.selectors.team.team_at_month_end``.
- **volunteer hours**: an order's hours once its service record is confirmed; an event
  volunteer's hours once the organiser confirmed them (``counted_event_hours``), never those of
  an event made from an order (they are that order's hours: counting both would be twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from orders.models import Order

S = Order.Status

# (moment, to_status) of an order's status-change rows, oldest first.
Changes = Sequence[tuple[dt.datetime, str]]

# An event counts as a service in the month this field falls in.
event_service_month_field = "end"

# The event volunteers whose hours count: confirmed by the organiser (``hours_credited``
# mirrors their service record), and not at an event made from an order (whose hours are the
# order's record, already counted). Relative to ``EventVolunteer``.
counted_event_hours = Q(hours_credited=True, event__source_order__isnull=True)


def status_at(changes: Changes, moment: dt.datetime) -> str:
    """The order's status at ``moment``: that of the last change at or before it (an order
    is submitted until its first change says otherwise)."""
    status = S.SUBMITTED
    for at, to_status in changes:
        if at > moment:
            break
        status = to_status
    return status


def order_overdue_at(*, status: str, created_at: dt.datetime, changes: Changes):
    """The moment the order became (or, while it waits, will become) overdue, or None.

    Its deadline is ``Order.overdue_deadline`` (WENMING_ORDER_OVERDUE_HOURS after it was
    received); it is overdue when it was still waiting then. For an order waiting today this
    agrees with ``Order.is_overdue`` (which reads ``held_at_deadline`` instead of the rows).
    A deadline still ahead is returned while the order waits now: if a transition comes first,
    the fact row is recomputed and the moment goes away.
    """
    if status in Order.CLOSED:
        return None
    deadline = Order.overdue_deadline(created_at)
    return deadline if status_at(changes, deadline) in Order.WAITING else None


def counts_as_overdue(overdue_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Whether an order whose overdue moment is ``overdue_at`` counts as overdue at ``now``.
    ``overdue_by`` is the same test as a filter on the fact rows: keep the two together."""
    return overdue_at is not None and overdue_at <= (now or timezone.now())


def overdue_by(now: dt.datetime, field: str = "overdue_at") -> Q:
    """``counts_as_overdue`` as a filter on a moment column (NULL: never overdue), for
    readers that count in the database (``reports.selectors.orders._tally_in_database``);
    its negation, ``~overdue_by(now)``, is the rows not overdue yet."""
    return Q(**{f"{field}__lte": now})


def order_received_at(*, created_at: dt.datetime) -> dt.datetime:
    """When the order counts as received: when it was submitted, whatever became of it."""
    return created_at


def order_completed_at(*, status: str, completed_at: dt.datetime | None):
    """When the order counts as completed (a service): its completion, if it is now completed
    or rated; else None (a cancelled or rejected order is never a service)."""
    return completed_at if status in Order.SERVED else None


def order_rated_at(*, status: str, rated_at: dt.datetime | None):
    """When the order counts as rated (results, 有成效): the moment its rating was given, if
    it is rated; else None."""
    return rated_at if status == S.RATED else None


def order_team(*, accepted_team_id: int | None, menu_item_team_id: int | None) -> int | None:
    """The team the order counts under: the one that accepted it, else the one that offers its
    menu item (who it is waiting for)."""
    return accepted_team_id or menu_item_team_id


def order_standing_acceptance(*, status: str, accepted_at: dt.datetime | None, changes: Changes):
    """When the acceptance still in force happened: the last change to ``accepted``, if the
    order is now accepted, completed or rated; else None (a cancelled or released order no
    longer counts). Orders with no status-change rows (from before they were kept) fall back
    to ``accepted_at``."""
    if status not in Order.OWNED:
        return None
    accepts = [at for at, to_status in changes if to_status == S.ACCEPTED]
    return accepts[-1] if accepts else accepted_at

"""The report figures, each defined once (README "Report figures" says the same in words).

Months are calendar months in Asia/Shanghai (``core.months``). The rollups and the reports
call these functions; nothing else decides what a figure counts.

- **received**: an order counts in the month it was submitted (``created_at``).
- **overdue** (``order_overdue_at``): in the month it was received, when it was still waiting
  (submitted or open) at the moment its WENMING_ORDER_OVERDUE_HOURS ran out, judged from its
  status-change rows; cancelled and rejected orders never count. Readers compare the moment
  with now (``counts_as_overdue``), so the figure needs no periodic task.
- **accepted** (``order_standing_acceptance``): in the month of its standing acceptance (the
  last time it was accepted), when it is now accepted, completed or rated.
- **completed** / **service**: a completed or rated order in the month of ``completed_at``; a
  done event in the month it ends (``event_service_month_field``).
- **results** / **rated**: ratings given in the month (``rated_at`` of rated orders).
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
    return overdue_at is not None and overdue_at <= (now or timezone.now())


def order_standing_acceptance(*, status: str, accepted_at: dt.datetime | None, changes: Changes):
    """When the acceptance still in force happened: the last change to ``accepted``, if the
    order is now accepted, completed or rated; else None (a cancelled or released order no
    longer counts). Orders with no status-change rows (from before they were kept) fall back
    to ``accepted_at``."""
    if status not in Order.OWNED:
        return None
    accepts = [at for at, to_status in changes if to_status == S.ACCEPTED]
    return accepts[-1] if accepts else accepted_at

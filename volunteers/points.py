"""The points ledger (积分): earning for confirmed hours, reversal when they are revoked.

Called by ``volunteers.services`` inside the transaction that confirms, corrects or revokes a
record. (The ledger itself lands in a later step; until then these are no-ops.)
"""

from __future__ import annotations

from decimal import Decimal

from volunteers.models import ServiceRecord


def earn_for_record(record: ServiceRecord) -> None:
    """Credit points for a record that was just confirmed."""


def adjust_for_record(record: ServiceRecord, *, old_hours: Decimal) -> None:
    """A confirmed record's hours were corrected from ``old_hours``."""


def reverse_for_record(record: ServiceRecord) -> None:
    """A confirmed record was revoked: reverse what it earned."""

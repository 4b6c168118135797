"""The five standards (五有) by which a station is judged: the rule, in one place.

Every report that ticks or lists a standard (the five-standards report, the coverage gap list)
calls ``score_standards`` with the station's figures for the month:

- venue 有阵地: the station has an address and opening hours;
- plan 有计划: its monthly plan for the month is submitted;
- team 有队伍: at least WENMING_TEAM_MIN_VOLUNTEERS volunteers were active and lived in its
  village at the month's end (home village, not team membership: a village team may recruit
  from elsewhere, and residents are who the station can call on);
- practice 有实践: at least one service (completed order or done event) in the month;
- results 有成效: at least one rating given in the month, averaging at least
  WENMING_RESULTS_MIN_RATING.
"""

from __future__ import annotations

from django.conf import settings

STANDARDS = ["venue", "plan", "team", "practice", "results"]


def score_standards(
    *,
    address: str,
    opening_hours: str,
    plan_submitted: bool,
    volunteers: int,
    services: int,
    rated: int,
    average: float | None,
) -> dict[str, bool]:
    """Which of the five standards a station meets, from its figures for the month."""
    return {
        "venue": bool(address.strip() and opening_hours.strip()),
        "plan": plan_submitted,
        "team": volunteers >= settings.WENMING_TEAM_MIN_VOLUNTEERS,
        "practice": services >= 1,
        "results": rated >= 1
        and average is not None
        and average >= settings.WENMING_RESULTS_MIN_RATING,
    }


def lacking(ticks: dict[str, bool]) -> list[str]:
    """The standards not met, in their fixed order."""
    return [k for k in STANDARDS if not ticks[k]]

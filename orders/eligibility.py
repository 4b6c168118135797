"""Which volunteers may serve where: the one rule behind claiming an order (接单), assigning one
(派单), signing a volunteer up for an event and a volunteer's event check-in.

Why one rule: these four paths used to decide "may this volunteer serve here?" each their own
way, and they disagreed (a volunteer taken off the register could no longer claim orders but
could still check in to events and earn hours). Hours are a certificate's content (谁记录谁证明):
every path that can lead to hours must ask the same question.

Why in ``orders``: the rule reads skills, and ``VolunteerSkill`` lives in orders (volunteers must
not depend on orders); events already import orders (stations ← volunteers ← orders ← events), so
both sides can import this module without a cycle.

The rule:

- **active** (在册): a volunteer taken off the register keeps their history but takes on no new
  work and earns no new hours.
- **in the area**: a volunteer serves the town they live in. A place without a town (a city-wide
  event) is every volunteer's area. An order that nobody took climbs the tiers
  (``orders.escalation``) and is offered to a team: the members of that team, and of the teams
  under it (a town detachment's squads), serve it wherever they live.
- **skills**: whether the volunteer has the skill (service category) of the work. Skills rank and
  filter (the station head sees skilled volunteers first; a volunteer may list only the orders of
  their skills) but never refuse: a village is better served by a willing neighbour than by
  nobody.

The rule comes in the three shapes callers need, side by side so that they cannot drift apart
(``tests/orders/test_eligibility.py`` checks that they agree on every combination):
``volunteer_eligibility`` (one volunteer, one place), ``eligible_volunteers`` (the volunteers for
a place) and ``area_q`` (the places of one volunteer).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet

from orders.models import VolunteerSkill
from volunteers.models import Membership, Volunteer


@dataclass(frozen=True)
class Eligibility:
    """The facts about one volunteer and one place; ``ok`` is the verdict.

    The facts are kept apart so that each caller reports the refusal its audience may learn:
    the volunteer themselves may be told they are off the register (whatever they asked for),
    while a station head assigning someone from another town learns only "not yours".
    """

    volunteer: Volunteer | None
    active: bool = False
    in_area: bool = False
    skilled: bool = False

    @property
    def ok(self) -> bool:
        return self.volunteer is not None and self.active and self.in_area


def login_volunteer(user) -> Volunteer | None:
    """The volunteer record behind a login, active or not (``None`` for anonymous or staff)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.volunteer
    except Volunteer.DoesNotExist:
        return None


def team_members(team_id: int) -> QuerySet[Membership]:
    """Memberships of a team and of the teams directly under it (a detachment's squads)."""
    return Membership.objects.filter(Q(team_id=team_id) | Q(team__parent_id=team_id))


def volunteer_eligibility(
    volunteer: Volunteer | None,
    *,
    town_id: int | None,
    category_id: int | None = None,
    team_id: int | None = None,
) -> Eligibility:
    """May ``volunteer`` serve in ``town_id`` (``None``: city-wide), or as a member of
    ``team_id`` (the team an escalated order is offered to)? See the module docstring.

    ``skilled`` is looked up (one query) only when ``category_id`` is given.
    """
    if volunteer is None:
        return Eligibility(volunteer=None)
    skilled = (
        category_id is not None
        and VolunteerSkill.objects.filter(volunteer=volunteer, category_id=category_id).exists()
    )
    in_area = town_id is None or volunteer.town_id == town_id
    if not in_area and team_id is not None:
        in_area = team_members(team_id).filter(volunteer=volunteer).exists()
    return Eligibility(
        volunteer=volunteer, active=volunteer.is_active, in_area=in_area, skilled=skilled
    )


def eligible_volunteers(
    *, town_id: int | None, category_id: int | None = None, team_id: int | None = None
) -> QuerySet[Volunteer]:
    """The volunteers who may serve in ``town_id`` (``None``: city-wide), and the members of
    ``team_id`` (the team an escalated order is offered to).

    With ``category_id`` each row carries ``skilled`` (has that skill), for ranking and filtering.
    """
    qs = Volunteer.objects.filter(is_active=True)
    if town_id is not None:
        area = Q(town_id=town_id)
        if team_id is not None:
            area |= Q(pk__in=team_members(team_id).values("volunteer_id"))
        qs = qs.filter(area)
    if category_id is not None:
        qs = qs.annotate(
            skilled=Exists(
                VolunteerSkill.objects.filter(volunteer_id=OuterRef("pk"), category_id=category_id)
            )
        )
    return qs


def area_q(volunteer: Volunteer, *, town: str = "town") -> Q:
    """Rows (orders, events) in the area ``volunteer`` serves, their town given by ``town``.

    An inactive volunteer serves nowhere.
    """
    if not volunteer.is_active:
        return Q(pk__in=[])
    return Q(**{f"{town}_id": volunteer.town_id}) | Q(**{f"{town}__isnull": True})


def offered_q(volunteer: Volunteer, *, team: str = "escalated_team") -> Q:
    """Orders escalated to a team ``volunteer`` belongs to, or to the team above one of theirs
    (a squad's member serves what its town detachment is offered). Inactive: nothing."""
    if not volunteer.is_active:
        return Q(pk__in=[])
    mine = Membership.objects.filter(volunteer_id=volunteer.pk)
    return _one_of(f"{team}_id", mine.values("team_id")) | _one_of(
        f"{team}_id", mine.filter(team__parent__isnull=False).values("team__parent_id")
    )


def _one_of(field: str, ids: QuerySet) -> Q:
    """``field IN (subquery)``; on PostgreSQL as ``field = ANY(ARRAY(subquery))``, which the
    planner runs once and can use as an index condition inside an OR. With ``IN`` it cannot:
    a volunteer's open orders at scale 60 read all 43,000 open orders of the province (200 ms)
    to keep the 2,000 of their town; with ``ANY`` the same count takes 11 ms."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    from django.contrib.postgres.expressions import ArraySubquery

    return Q(_EqualsAny(F(field), ArraySubquery(ids)))


class _EqualsAny(Func):
    """``lhs = ANY(array)`` (a lookup would put the array in parentheses, which is not SQL)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def skilled_q(volunteer: Volunteer, *, category: str = "category") -> Q:
    """Rows whose service category (given by ``category``) is one of the volunteer's skills."""
    return Q(
        Exists(
            VolunteerSkill.objects.filter(
                volunteer_id=volunteer.pk, category_id=OuterRef(f"{category}_id")
            )
        )
    )

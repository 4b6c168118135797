"""Who may do what to an order: the one place that answers it.

The services, the pages (station, town and volunteer), the API and the admin all ask this
module, so that one person gets one answer everywhere. Three rings, from the outside in:

1. **Sight** (``visible_orders``, ``may_see``): the admins of the order's area (station head,
   town admin, city centre), the volunteer who owns it, the members of the team that owns it,
   and the active volunteers of its town while it is open for claiming (who counts as "of its
   town" is ``orders.eligibility``); once it has climbed a tier (``orders.escalation``), also
   the members of the team it is offered to there. Outside one's sight an order answers **404**
   (``NotInScope``), exactly like a number that does not exist: nobody learns what exists outside
   their area, nor about an order that is not (or no longer) open to them. So a volunteer who
   claims a ``submitted`` order (still waiting for the station's review) or one that another
   volunteer took gets 404, like a volunteer of another town.
2. **Role** (``admin_order``, ``worker_order``, ``claimant``): inside one's sight, an action one's
   role does not allow answers **403** (a volunteer asking to approve). A refusal that depends
   only on who asks (claiming without being an active volunteer) is 403 as well; it is decided
   before the order is looked up, so its answer is the same for every order number and leaks
   nothing.
3. **State** (the ``may_…`` properties on ``Order``): inside one's sight and role, a status that
   does not allow the step answers **409** (``InvalidTransition``, see ``wrong_state``).

What a step is given is not a ring: a volunteer or team the order may not go to (another town's
volunteer, one off the register; ``orders.eligibility``) is bad input, **400**, naming the field,
like any other; only an id that matches nothing at all is a 404 (``core.fields.IdField``).

A transition that loses a race is judged again once the winner has committed (``lost_race``):
when the winner's change took the order out of the loser's sight (another volunteer claimed it
first) the loser gets 404, like anyone who arrives later; otherwise 409 ("someone acted first").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidTransition, NotInScope, PermissionDenied
from orders.eligibility import area_q, login_volunteer, offered_q, volunteer_eligibility
from orders.models import Order, ProxyHelper
from stations.models import Village
from stations.scope import scope_for
from volunteers.models import Membership, Volunteer

# --- sight ------------------------------------------------------------------------------------


def active_volunteer(user) -> Volunteer | None:
    """The login's volunteer record if it is on the register (``orders.eligibility``)."""
    verdict = volunteer_eligibility(login_volunteer(user), town_id=None)
    return verdict.volunteer if verdict.ok else None


def visible_orders(user) -> QuerySet[Order]:
    """Every order ``user`` may see (ring 1 above); the one definition of sight.

    Costs the scope's role query and the volunteer lookup once per request (both are cached on
    the user object); the team test is a subquery inside the same SQL.
    """
    if user is None or not user.is_authenticated:
        return Order.objects.none()
    scope = scope_for(user)
    sight = scope.q() if scope.is_admin else Q(pk__in=[])
    volunteer = active_volunteer(user)
    if volunteer is not None:
        sight |= Q(status__in=Order.CLAIMABLE) & (area_q(volunteer) | offered_q(volunteer))
        sight |= Q(accepted_by_id=volunteer.pk)
        sight |= Q(
            accepted_team_id__in=Membership.objects.filter(volunteer=volunteer).values("team_id")
        )
    return Order.objects.filter(sight)


def may_see(user, order: Order) -> bool:
    return visible_orders(user).filter(pk=order.pk).exists()


def get_visible(user, order_id: int) -> Order:
    """The order if ``user`` may see it; ``NotInScope`` (404) otherwise, or if there is none."""
    order = visible_orders(user).filter(pk=order_id).first()
    if order is None:
        raise NotInScope()
    return order


def administered_orders(user, queryset: QuerySet[Order] | None = None) -> QuerySet[Order]:
    """Orders (of ``queryset``, default all) in ``user``'s administrative area (station, town or
    city): the station and town pages and the Django admin."""
    return scope_for(user).filter(Order.objects.all() if queryset is None else queryset)


def administers(user, order: Order) -> bool:
    return scope_for(user).covers_village(order.village_id, order.town_id)


def may_see_phone(user, order: Order) -> bool:
    """PIPL: the full phone goes to the area's admins and to the volunteer who owns the order,
    from acceptance until ``WENMING_VOLUNTEER_PHONE_DAYS`` after completing it (a call about the
    service, no longer); everyone else sees ``Order.masked_phone``."""
    if user is None or not user.is_authenticated:
        return False
    if administers(user, order):
        return True
    volunteer = active_volunteer(user)
    if volunteer is None or order.accepted_by_id != volunteer.pk:
        return False
    if order.status in Order.IN_SERVICE:
        return True
    window = dt.timedelta(days=settings.WENMING_VOLUNTEER_PHONE_DAYS)
    return (
        order.status in Order.SERVED
        and order.completed_at is not None
        and timezone.now() - order.completed_at < window
    )


# --- role -------------------------------------------------------------------------------------


def admin_order(user, order_id: int) -> Order:
    """The order for a review, assignment, cancellation or follow-up by an area admin.

    ``NotInScope`` (404) outside ``user``'s sight; ``PermissionDenied`` (403) when they may see it
    without administering it (a volunteer of its town).
    """
    order = get_visible(user, order_id)
    if not administers(user, order):
        raise PermissionDenied()
    return order


def worker_on(user, order: Order) -> Volunteer | None:
    """The volunteer who may complete or release ``order``: its owner, or a member of the team
    that owns it. ``None`` for anyone else (and for volunteers off the register)."""
    volunteer = active_volunteer(user)
    if volunteer is None:
        return None
    if order.accepted_by_id == volunteer.pk:
        return volunteer
    if (
        order.accepted_team_id
        and volunteer.memberships.filter(team_id=order.accepted_team_id).exists()
    ):
        return volunteer
    return None


def worker_order(user, order_id: int, *, denied: str) -> tuple[Order, Volunteer | None]:
    """The order and the working volunteer, for recording completion or giving it back.

    The owner (or a member of the owning team) works on it; an area admin may act for them
    (the volunteer is then ``None``). ``NotInScope`` outside sight, ``PermissionDenied`` with
    ``denied`` for anyone else who may see it.
    """
    order = get_visible(user, order_id)
    worker = worker_on(user, order)
    if worker is None and not administers(user, order):
        raise PermissionDenied(denied)
    return order, worker


def claimant(user) -> Volunteer:
    """The volunteer who claims, or ``PermissionDenied`` (403) for a login that is not an active
    volunteer: decided before any order is looked up, so it is the same for every order."""
    volunteer = active_volunteer(user)
    if volunteer is None:
        raise PermissionDenied(_("只有在册志愿者可以接单。"))
    return volunteer


# --- 帮办: ordering on a resident's behalf --------------------------------------------------


@dataclass(frozen=True)
class ProxyIdentity:
    """How a helper is named in the timeline: their name and ``ProxyHelper.Kind`` (empty for an
    area admin acting as one)."""

    name: str
    kind: str


def proxy_villages(user) -> QuerySet[Village]:
    """Villages where ``user`` may order on residents' behalf: those they are an active helper
    (``ProxyHelper``) of, and those their station-head or town-admin role covers (the station's
    own staff). A city admin is not at any village: the admin grants them a helper row."""
    if user is None or not user.is_authenticated:
        return Village.objects.none()
    scope = scope_for(user)
    q = Q(pk__in=ProxyHelper.objects.filter(user=user, is_active=True).values("village_id"))
    if scope.village_ids:
        q |= Q(pk__in=scope.village_ids)
    if scope.town_ids:
        q |= Q(town_id__in=scope.town_ids)
    return Village.objects.filter(q).select_related("town").order_by("town__sort_order", "name")


def proxy_identity(user, village: Village) -> ProxyIdentity:
    """The helper ``user`` is in ``village``, or ``PermissionDenied`` (403): the form only offers
    the caller's own villages, so another village here is a forged or stale request."""
    if not proxy_villages(user).filter(pk=village.pk).exists():
        raise PermissionDenied(_("您不是该村（社区）的帮办员，不能代为点单。"))
    helper = ProxyHelper.objects.filter(user=user, village=village, is_active=True).first()
    if helper is not None:
        return ProxyIdentity(name=helper.name, kind=helper.kind)
    name = user.get_full_name() or user.get_username()
    return ProxyIdentity(name=name, kind="")


# --- state ------------------------------------------------------------------------------------


def wrong_state(order: Order) -> InvalidTransition:
    """409 for a step the order's status does not allow; only for callers inside sight."""
    return InvalidTransition(
        _("该点单当前状态为“%(status)s”，不能执行此操作。") % {"status": order.get_status_display()}
    )


def lost_race(user, order: Order) -> DomainError:
    """The error for a conditional UPDATE that matched nothing because someone acted first.

    Judged on the order as the winner left it: out of ``user``'s sight now (another volunteer
    claimed it) it is 404, as for anyone arriving later; otherwise 409. Residents (``user`` is
    ``None``; they act through their tracking token) always get 409.
    """
    if user is not None and user.is_authenticated and not may_see(user, order):
        return NotInScope()
    return InvalidTransition(_("该点单刚刚已被他人处理，请刷新后查看最新状态。"))

"""Reads for the wish wall: the public wall, the moderation queue, one wish for a viewer."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from orders.eligibility import login_volunteer
from stations.scope import scope_for
from wishes.models import Wish, WishStatusChange

_JOINS = ("village", "town", "category", "claimed_by")


def public_wishes(*, town_id: int | None = None, village_id: int | None = None) -> QuerySet[Wish]:
    """Approved wishes, open ones first, newest first; never the rejected or unreviewed."""
    qs = Wish.objects.filter(status__in=Wish.PUBLIC).select_related(*_JOINS)
    if village_id:
        qs = qs.filter(village_id=village_id)
    elif town_id:
        qs = qs.filter(town_id=town_id)
    return qs.order_by("-approved_at", "-id")


def moderation_queue(user) -> QuerySet[Wish]:
    """Wishes waiting for review in the login's area, oldest first (first come, first seen)."""
    return (
        scope_for(user)
        .filter(Wish.objects.filter(status=Wish.Status.SUBMITTED))
        .select_related(*_JOINS)
        .order_by("created_at", "id")
    )


def administered_wishes(user) -> QuerySet[Wish]:
    return scope_for(user).filter(Wish.objects.all()).select_related(*_JOINS)


def working_wishes(user) -> QuerySet[Wish]:
    """The wishes a login works on: every wish of an admin's area, and the wishes their
    volunteer record holds (claimed or fulfilled by them); nothing for anyone else."""
    scope = scope_for(user)
    q = scope.q()  # everything: Q(); no area: matches nothing
    volunteer = login_volunteer(user)
    # Q() | X would be X alone: a city admin's "everything" must not shrink to their claims.
    if volunteer is not None and not scope.everything:
        q |= Q(claimed_by_id=volunteer.pk)
    return Wish.objects.filter(q).select_related(*_JOINS)


def administers(user, wish: Wish) -> bool:
    """The wish's station head, its town's admin or the city's: who moderates it and may read
    the resident's contact."""
    return scope_for(user).covers_village(wish.village_id, wish.town_id)


def visible_wish(user, pk: int) -> Wish | None:
    """A public wish for anyone; any wish of their area for an area admin; else ``None``."""
    wish = Wish.objects.select_related(*_JOINS).filter(pk=pk).first()
    if wish is None:
        return None
    if wish.is_public or administers(user, wish):
        return wish
    return None


def may_see_contact(user, wish: Wish) -> bool:
    """The resident's phone: the area's admins, and the volunteer who claimed the wish."""
    if administers(user, wish):
        return True
    volunteer = login_volunteer(user)
    return volunteer is not None and volunteer.pk == wish.claimed_by_id


def timeline(wish: Wish) -> QuerySet[WishStatusChange]:
    return wish.status_changes.order_by("created_at", "id")

"""Reads for joining: the applications an area decides on, the logins a phone belongs to."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from orders.models import ServiceCategory
from stations.models import Position, Role
from stations.scope import Scope
from volunteers.models import VolunteerApplication

S = VolunteerApplication.Status


def applications_in_scope(scope: Scope) -> QuerySet[VolunteerApplication]:
    """Applications from the villages ``scope`` manages (none for an empty scope)."""
    if scope.is_empty:
        return VolunteerApplication.objects.none()
    return scope.filter(VolunteerApplication.objects.all()).select_related(
        "village", "town", "decided_by"
    )


def pending_in_scope(scope: Scope) -> QuerySet[VolunteerApplication]:
    return applications_in_scope(scope).filter(status=S.PENDING).order_by("created_at", "id")


def decided_in_scope(scope: Scope, *, limit: int = 20) -> list[VolunteerApplication]:
    return list(
        applications_in_scope(scope)
        .exclude(status=S.PENDING)
        .order_by("-decided_at", "-id")[:limit]
    )


def skill_names(applications) -> None:
    """Put each application's skill names on it (``skill_names``), in one query for all."""
    applications = list(applications)
    ids = {pk for a in applications for pk in a.skill_ids}
    names = {c.pk: c.display_name for c in ServiceCategory.objects.filter(pk__in=ids)}
    for a in applications:
        a.skill_names = [names[pk] for pk in a.skill_ids if pk in names]


def skill_choices() -> list[tuple[int, str]]:
    """The service categories as skills, named in the reader's language (``display_name``)."""
    return [(c.pk, c.display_name) for c in ServiceCategory.objects.order_by("sort_order", "name")]


def logins_for_phone(phone: str) -> list:
    """Active logins whose volunteer record, or station they head, carries ``phone`` (the stored
    11 digits): who may reset a password with an SMS code to it."""
    if not phone:
        return []
    heads = Position.objects.filter(head_phone=phone, is_active=True)
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(volunteer__phone=phone, volunteer__is_active=True)
            | Q(pk__in=heads.exclude(head_user=None).values("head_user"))
            | Q(
                pk__in=Role.objects.filter(kind=Role.Kind.STATION_HEAD, position__in=heads).values(
                    "user"
                )
            )
        )
        .distinct()
        .order_by("pk")
    )

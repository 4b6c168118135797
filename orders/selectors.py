"""Reads for orders: querysets with the joins their pages need, so that lists stay flat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from orders import access
from orders.eligibility import area_q, eligible_volunteers, offered_q, skilled_q
from orders.models import MenuItem, Order, OrderStatusChange, ServiceCategory, VolunteerSkill
from stations.models import Position, Village
from volunteers.models import ServiceRecord, Team, Volunteer


def menu_items_for_village(village: Village) -> QuerySet[MenuItem]:
    """Active menu services offered in ``village``: city-wide, for its town, or for it alone."""
    return (
        MenuItem.objects.filter(is_active=True)
        .filter(
            Q(reach=MenuItem.Reach.CITYWIDE)
            | Q(reach=MenuItem.Reach.TOWNS, towns=village.town_id)
            | Q(reach=MenuItem.Reach.VILLAGES, villages=village.pk)
        )
        .select_related("category")
        .distinct()
        .order_by("category__sort_order", "category__name", "title")
    )


def menu_item_offered_in(menu_item: MenuItem, village: Village) -> bool:
    return menu_items_for_village(village).filter(pk=menu_item.pk).exists()


def menu_choices_for_village(village: Village) -> list[tuple[str, list[tuple[int, str]]]]:
    """The village's menu grouped by category, ready for a ``<select>`` with optgroups."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for item in menu_items_for_village(village):
        label = item.display_title
        if item.target_group:
            label = _("%(title)s（%(group)s）") % {
                "title": item.display_title,
                "group": item.get_target_group_display(),
            }
        groups.setdefault(item.category.display_name, []).append((item.pk, label))
    return list(groups.items())


def station_of(village_id: int) -> Position | None:
    """The village's active station (address, opening hours, head's phone), if it has one."""
    return Position.objects.filter(
        level=Position.Level.STATION, village_id=village_id, is_active=True
    ).first()


def station_reviews_orders(village: Village) -> bool:
    """Whether the village's station reviews orders first. No station: the town reviews them."""
    reviews = (
        Position.objects.filter(level=Position.Level.STATION, village=village, is_active=True)
        .values_list("review_orders", flat=True)
        .first()
    )
    return True if reviews is None else reviews


LIST_RELATIONS = ("village", "town", "menu_item", "category", "accepted_by", "accepted_team")


def _with_list_joins(qs: QuerySet[Order]) -> QuerySet[Order]:
    """What a list row shows of its order's relations, fetched after the page (one small query
    per relation) rather than joined into it: PostgreSQL spent 16–40 ms planning the seven-table
    join of a 50-row page that then ran in 0.2–2 ms (EXPLAIN ANALYZE, issue 19)."""
    return qs.prefetch_related(*LIST_RELATIONS)


def overdue_first(qs: QuerySet[Order], *, now: dt.datetime | None = None) -> QuerySet[Order]:
    """Overdue orders (``Order.overdue_q``, from the clock) come first, then the newest."""
    return qs.annotate(
        overdue_rank=Case(
            When(Order.overdue_q(now), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "-created_at", "-id")


def orders_for_admin(
    user, *, status: str = "", village_id: int | None = None, channel: str = ""
) -> QuerySet[Order]:
    """Orders in the caller's administrative area (station, town or city), overdue first."""
    qs = access.administered_orders(user)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if village_id:
        qs = qs.filter(village_id=village_id)
    return overdue_first(_with_list_joins(qs))


def status_counts(qs: QuerySet[Order]) -> dict[str, int]:
    from django.db.models import Count

    rows = qs.order_by().values("status").annotate(n=Count("id"))
    counts = {value: 0 for value, _label in Order.Status.choices}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def open_orders_for_volunteer(
    volunteer: Volunteer, *, category_id: int | None = None, skills_only: bool = False
) -> QuerySet[Order]:
    """Open orders a volunteer may claim (``orders.access``: claimable and in their area, or
    escalated to one of their teams), their own village first, then the rest."""
    qs = Order.objects.filter(area_q(volunteer) | offered_q(volunteer), status__in=Order.CLAIMABLE)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if skills_only:
        qs = qs.filter(skilled_q(volunteer))
    return _with_list_joins(qs).order_by(
        Case(
            When(village_id=volunteer.home_village_id, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        Case(When(Order.overdue_q(), then=Value(0)), default=Value(1), output_field=IntegerField()),
        "created_at",
        "id",
    )


def accepted_orders_for_volunteer(volunteer: Volunteer) -> QuerySet[Order]:
    return _with_list_joins(
        Order.objects.filter(status__in=Order.IN_SERVICE, accepted_by=volunteer)
    ).order_by("accepted_at", "id")


def recent_done_for_volunteer(volunteer: Volunteer, *, limit: int = 10) -> QuerySet[Order]:
    return _with_list_joins(
        Order.objects.filter(accepted_by=volunteer, status__in=Order.SERVED)
    ).order_by("-completed_at", "-id")[:limit]


def volunteer_hours_this_month(volunteer: Volunteer, *, now: dt.datetime | None = None) -> Decimal:
    """The volunteer's confirmed hours of services this month (pending hours do not count)."""
    local = timezone.localtime(now or timezone.now())
    total = ServiceRecord.objects.filter(
        volunteer=volunteer,
        status=ServiceRecord.Status.CONFIRMED,
        service_date__gte=local.date().replace(day=1),
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def timeline(order: Order) -> QuerySet[OrderStatusChange]:
    return order.status_changes.order_by("created_at", "id")


def categories() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.order_by("sort_order", "name")


def assignable_volunteers(order: Order) -> QuerySet[Volunteer]:
    """The volunteers the station may assign the order to (``orders.eligibility``: the town's,
    and the members of the team an escalated order is offered to): those with the order's skill
    first, then those of the order's village."""
    return eligible_volunteers(
        town_id=order.town_id, category_id=order.category_id, team_id=order.escalated_team_id
    ).order_by(
        "-skilled",
        Case(
            When(home_village_id=order.village_id, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "name",
        "id",
    )


@dataclass
class AssignGroup:
    """The 派单 picker's volunteers of one village team (their home village)."""

    village: str
    is_order_village: bool
    volunteers: list[Volunteer]


def assign_candidates(order: Order, *, query: str = "") -> list[AssignGroup]:
    """The 派单 picker: the assignable volunteers (``assignable_volunteers``), narrowed by
    ``query`` (a name, a skill or a village), grouped by village team with the order's village
    first, each with ``skill_list`` and ``load`` (orders in service now). Two queries however
    many volunteers: the list with its load, then the skills."""
    in_service = (
        Order.objects.filter(accepted_by=OuterRef("pk"), status__in=Order.IN_SERVICE)
        .order_by()
        .values("accepted_by")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        assignable_volunteers(order)
        .select_related("home_village")
        .annotate(load=Coalesce(Subquery(in_service), 0))
        .prefetch_related(
            Prefetch(
                "skill_links",
                queryset=VolunteerSkill.objects.select_related("category").order_by(
                    "category__sort_order", "category__name"
                ),
            )
        )
    )
    if query:
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(home_village__name__icontains=query)
            | Q(
                pk__in=VolunteerSkill.objects.filter(
                    Q(category__name__icontains=query) | Q(category__name_en__icontains=query)
                ).values("volunteer_id")
            )
        )
    groups: dict[int, AssignGroup] = {}
    for volunteer in qs:
        volunteer.skill_list = [link.category.display_name for link in volunteer.skill_links.all()]
        village = volunteer.home_village
        group = groups.get(village.pk)
        if group is None:
            group = groups[village.pk] = AssignGroup(
                village=village.name, is_order_village=village.pk == order.village_id, volunteers=[]
            )
        group.volunteers.append(volunteer)
    return sorted(groups.values(), key=lambda g: (not g.is_order_village, g.village))


def assignable_teams(order: Order) -> QuerySet[Team]:
    """Active teams that work in the order's village or town, or city-wide."""
    return Team.objects.filter(is_active=True).filter(
        Q(village_id=order.village_id)
        | Q(village__isnull=True, town_id=order.town_id)
        | Q(town__isnull=True)
    )


def order_for_tracking(token: str) -> Order | None:
    return (
        Order.objects.select_related(
            "village", "town", "menu_item", "category", "accepted_by", "accepted_team"
        )
        .filter(tracking_token=token)
        .first()
    )


def service_records(order: Order) -> list[ServiceRecord]:
    """The volunteers' service records of a completed order (pending or confirmed)."""
    if not order.is_served:
        return []  # no hours recorded before completion: spare the query
    return list(
        ServiceRecord.objects.filter(source_kind=ServiceRecord.SourceKind.ORDER, source_id=order.pk)
        .select_related("volunteer", "confirmed_by")
        .order_by("id")
    )

"""The steps of an order's life once it is placed (审单/派单 → 接单 → 完成 → 评单, cancelling,
the follow-up of a low rating).

Placing an order is ``orders.submission``; offering an unclaimed one up the tiers,
``orders.escalation``. Each step here is one function that checks who may take it and from
which state, then changes the status through ``orders.transitions`` (a conditional UPDATE, the
audit row, the signal after commit).

Who may do what is ``orders.access`` (and which volunteers may serve where,
``orders.eligibility``); which statuses allow which step is the ``may_…`` properties of
``Order``. Errors (``core.errors``): ``InvalidInput`` (bad data, 400), ``NotInScope`` (the
caller may not see the order, 404), ``PermissionDenied`` (they may see it but not do this, 403),
``InvalidTransition`` (wrong state, or someone acted first, 409).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import dates
from core.errors import InvalidInput, InvalidTransition, NotInScope
from orders import access, selectors
from orders.eligibility import volunteer_eligibility
from orders.models import MenuItem, Order, OrderStatusChange
from orders.submission import new_tracking_token, next_number
from orders.transitions import admin_kind, clean_text, owner_transition, record_change, transition
from stations.models import Position, Village
from volunteers import records as record_services
from volunteers.hours import parse_hours
from volunteers.models import ServiceRecord, Volunteer

S = Order.Status
Actor = OrderStatusChange.ActorKind
Note = OrderStatusChange.NoteKind


# --- 审单: the station reviews ---------------------------------------------------------------


def order_approve(*, order_id: int, actor) -> Order:
    """Review passes: ``submitted`` → ``open``. Area admins only."""
    order = access.admin_order(actor, order_id)
    if not order.may_review:
        raise access.wrong_state(order)
    with transaction.atomic():
        return transition(
            order, to=S.OPEN, actor=actor, actor_kind=admin_kind(actor), opened_at=timezone.now()
        )


def order_reject(*, order_id: int, actor, reason: str) -> Order:
    """Review refuses: ``submitted`` → ``rejected``, with a reason the resident sees."""
    reason = clean_text(reason, "reason", required=True, label=_("驳回原因"))
    order = access.admin_order(actor, order_id)
    if not order.may_review:
        raise access.wrong_state(order)
    with transaction.atomic():
        return transition(
            order,
            to=S.REJECTED,
            actor=actor,
            actor_kind=admin_kind(actor),
            note=reason,
            reason=reason,
            closed_at=timezone.now(),
        )


# --- 接单/派单: a volunteer claims, the station assigns ---------------------------------------


def order_claim(*, order_id: int, actor) -> Order:
    """An active volunteer of the order's town takes an open order: ``open`` → ``accepted``.

    ``PermissionDenied`` for a login that is not an active volunteer (whatever the order);
    ``NotInScope`` for an order they cannot see: another town's, one still waiting for review
    (``submitted``), one someone else took; ``InvalidTransition`` for one they see in another
    status (their own, already accepted). Race-safe: the conditional UPDATE lets exactly one of
    any number of simultaneous claims through; the others then find the order taken, out of
    their sight (``NotInScope``).
    """
    volunteer = access.claimant(actor)
    order = access.get_visible(actor, order_id)
    if not order.may_claim:
        raise access.wrong_state(order)
    with transaction.atomic():
        return transition(
            order,
            to=S.ACCEPTED,
            actor=actor,
            actor_kind=Actor.VOLUNTEER,
            actor_label=volunteer.given_name,
            accepted_by=volunteer,
            accepted_team=None,
            accepted_at=timezone.now(),
        )


def order_assign(
    *, order_id: int, actor, volunteer_id: int | None = None, team_id: int | None = None
) -> Order:
    """The station head dispatches (派单) to a volunteer or a team: ``submitted``/``open`` →
    ``accepted``. Assigning a submitted order also approves it."""
    order = access.admin_order(actor, order_id)
    if bool(volunteer_id) == bool(team_id):
        raise InvalidInput(
            _("请选择一名志愿者或一支队伍。"),
            fields={"volunteer": [_("请选择一名志愿者或一支队伍。")]},
        )
    volunteer = team = None
    if volunteer_id:
        verdict = volunteer_eligibility(
            Volunteer.objects.filter(pk=volunteer_id).first(),
            town_id=order.town_id,
            team_id=order.escalated_team_id,
        )
        if not verdict.ok:
            # Off the register is said only of the area's own volunteers: of another town's
            # the station head learns no more than "not yours".
            message = (
                _("该志愿者已不在册，不能派单。")
                if verdict.in_area
                else _("只能派给本镇（街道）在册的志愿者。")
            )
            raise InvalidInput(fields={"volunteer": [message]})
        volunteer = verdict.volunteer
    else:
        team = selectors.assignable_teams(order).filter(pk=team_id).first()
        if team is None:
            raise InvalidInput(fields={"team": [_("只能派给服务本村、本镇或全市的队伍。")]})
    if not order.may_assign:
        raise access.wrong_state(order)
    now = timezone.now()
    with transaction.atomic():
        return transition(
            order,
            to=S.ACCEPTED,
            actor=actor,
            actor_kind=admin_kind(actor),
            note_kind=Note.ASSIGNED,
            note_data=(
                {"who": volunteer.name, "given": volunteer.given_name, "volunteer_id": volunteer.pk}
                if volunteer
                else {"who": team.name, "team_id": team.pk}
            ),
            accepted_by=volunteer,
            accepted_team=team,
            accepted_at=now,
            opened_at=order.opened_at or now,
        )


def order_complete(
    *,
    order_id: int,
    actor,
    hours: Decimal | str | float,
    note: str,
    service_date: dt.date | None = None,
) -> Order:
    """The service happened: ``accepted`` → ``completed`` with date, hours and a short report.

    The owner (or, for a team, a member) records it; an area admin may record it for them. The
    hours become the owning volunteer's service record (for a team, the member who records it)
    in the same transaction: pending until the resident rates it or an admin confirms (an
    admin who records the completion confirms it at once).
    """
    hours = parse_hours(hours)
    note = clean_text(note, "note", required=True, label=_("服务记录"))
    today = timezone.localdate()
    service_date = service_date or today
    if service_date > today:
        raise InvalidInput(fields={"service_date": [_("服务日期不能晚于今天。")]})
    if not dates.in_range(service_date):
        raise InvalidInput(fields={"service_date": [dates.OUT_OF_RANGE_MESSAGE % dates.YEARS]})

    order, worker = access.worker_order(
        actor, order_id, denied=_("只有接单志愿者或站长可以登记完成。")
    )
    if not order.may_complete:
        raise access.wrong_state(order)
    credited_id = order.accepted_by_id or (worker.pk if worker else None)
    with transaction.atomic():
        order = owner_transition(
            order,
            to=S.COMPLETED,
            actor=actor,
            worker=worker,
            note=note,
            service_date=service_date,
            hours=hours,
            report=note,
            completed_at=timezone.now(),
        )
        if credited_id is not None:
            _record_hours(order, volunteer_id=credited_id, actor=actor, confirm=worker is None)
    return order


def _record_hours(order: Order, *, volunteer_id: int, actor, confirm: bool) -> None:
    """The completed order's hours as the volunteer's service record: pending until the
    resident rates the service or the station head confirms. When an admin recorded the
    completion (not the volunteer), their word is the confirmation."""
    station = (
        Position.objects.filter(level=Position.Level.STATION, village_id=order.village_id)
        .only("pk")
        .first()
    )
    order = Order.objects.select_related(
        "menu_item", "category", "village", "town", "accepted_team"
    ).get(pk=order.pk)
    record, _created = record_services.record_create(
        volunteer=Volunteer.objects.get(pk=volunteer_id),
        hours=order.hours,
        service_date=order.service_date,
        content=order.menu_item.title,
        source_kind=ServiceRecord.SourceKind.ORDER,
        source_id=order.pk,
        source_label=order.number,
        category=order.category.name,
        place=order.village.name,
        town=order.town,
        village=order.village,
        organiser_position=station,
        organiser_team=order.accepted_team,
        points_rate=order.category.points_per_hour,
        recorded_by=actor,
    )
    if confirm:
        record_services.record_confirm(record_id=record.pk, actor=actor)


def order_confirm_hours(*, order_id: int, actor) -> int:
    """The station head (or a town/city admin) confirms the hours of a completed order before
    the resident rated it. Returns how many records changed (0: already confirmed, a no-op).

    Raises ``NotInScope`` outside the caller's area, ``PermissionDenied`` for a volunteer,
    ``InvalidTransition`` before the order is completed.
    """
    order = access.admin_order(actor, order_id)
    if not order.is_served:
        raise InvalidTransition(_("点单完成后才能确认服务时长。"))
    ids = ServiceRecord.objects.filter(
        source_kind=ServiceRecord.SourceKind.ORDER, source_id=order.pk
    ).values_list("pk", flat=True)
    with transaction.atomic():
        return sum(
            record_services.record_confirm(record_id=record_id, actor=actor)[1] for record_id in ids
        )


def order_release(*, order_id: int, actor, reason: str) -> Order:
    """The owner gives an accepted order back (reason required): ``accepted`` → ``open``."""
    reason = clean_text(reason, "reason", required=True, label=_("退单原因"))
    order, worker = access.worker_order(actor, order_id, denied=_("只有接单志愿者或站长可以退单。"))
    if not order.may_release:
        raise access.wrong_state(order)
    # Held since ``accepted_at``: if that was by the deadline and the deadline has passed, the
    # order was not waiting when it ran out, so it does not turn overdue now it waits again
    # (``Order.is_overdue``; the reports judge it the same from the status-change rows).
    deadline = Order.overdue_deadline(order.created_at)
    held = order.accepted_at is not None and order.accepted_at <= deadline < timezone.now()
    with transaction.atomic():
        return owner_transition(
            order,
            to=S.OPEN,
            actor=actor,
            worker=worker,
            note=reason,
            accepted_by=None,
            accepted_team=None,
            accepted_at=None,
            held_at_deadline=order.held_at_deadline or held,
        )


# --- 评单 and cancelling ---------------------------------------------------------------------


def order_rate(*, tracking_token: str, stars: int, comment: str = "") -> Order:
    """The resident rates a completed order once: ``completed`` → ``rated``.

    1–2 stars flag the order for the station head's follow-up. The tracking token is the
    resident's proof of identity; an unknown token is ``NotInScope``.
    """
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise InvalidInput(fields={"stars": [_("请选择 1 到 5 星。")]})
    comment = clean_text(comment, "comment", required=False, label=_("评价"))
    order = Order.objects.filter(tracking_token=tracking_token).first() if tracking_token else None
    if order is None:
        raise NotInScope()
    if not order.may_rate:
        if order.status == S.RATED:
            raise InvalidTransition(_("该点单已评价过，每单只能评价一次。"))
        raise access.wrong_state(order)
    with transaction.atomic():
        order = transition(
            order,
            to=S.RATED,
            actor=None,
            actor_kind=Actor.RESIDENT,
            note_kind=Note.RATED,
            note_data={"stars": stars, "comment": comment},
            stars=stars,
            rating_comment=comment,
            rated_at=timezone.now(),
            needs_follow_up=stars <= 2,
        )
        # The resident's rating is the confirmation by someone other than the volunteer.
        record_services.records_confirm_for_source(
            source_kind=ServiceRecord.SourceKind.ORDER,
            source_id=order.pk,
            actor_label=gettext_noop("群众评价"),
        )
        return order


def order_cancel(
    *,
    order_id: int | None = None,
    actor=None,
    tracking_token: str | None = None,
    reason: str = "",
) -> Order:
    """Cancel an order: ``… → cancelled``.

    With ``tracking_token`` it is the resident, who may cancel until the order is accepted
    (reason optional). With ``order_id`` and ``actor`` it is an area admin, who may also cancel
    an accepted order, and must give a reason.
    """
    if tracking_token is not None:
        reason = clean_text(reason, "reason", required=False, label=_("取消原因"))
        order = Order.objects.filter(tracking_token=tracking_token).first()
        if order is None or not tracking_token:
            raise NotInScope()
        if not order.resident_may_cancel:
            raise access.wrong_state(order)
        kind = Actor.RESIDENT
        actor = None
    else:
        reason = clean_text(reason, "reason", required=True, label=_("取消原因"))
        order = access.admin_order(actor, order_id)
        if not order.admin_may_cancel:
            raise access.wrong_state(order)
        kind = admin_kind(actor)
    with transaction.atomic():
        return transition(
            order,
            to=S.CANCELLED,
            actor=actor,
            actor_kind=kind,
            note=reason,
            reason=reason,
            closed_at=timezone.now(),
        )


def order_follow_up(*, order_id: int, actor, note: str, reopen: bool = False) -> Order:
    """The station head records the follow-up of a low rating (a timeline row, no status
    change). With ``reopen`` it also opens a new order for the same resident and service,
    linked to this one (``follow_up_of``) and open for claiming at once, each order's timeline
    naming the other; the resident gets the new order's tracking link by SMS.

    ``InvalidTransition`` when no follow-up is due (or it was recorded), or, with ``reopen``,
    when the resident's contact was erased or the service is no longer offered in the village.
    """
    note = clean_text(note, "note", required=True, label=_("回访记录"))
    order = access.admin_order(actor, order_id)
    if reopen:
        if order.anonymised_at or not order.phone:
            raise InvalidTransition(_("该点单的联系人信息已删除，不能新开点单。"))
        menu_item = MenuItem.objects.get(pk=order.menu_item_id)
        village = Village.objects.get(pk=order.village_id)
        if not menu_item.is_active or not selectors.menu_item_offered_in(menu_item, village):
            raise InvalidTransition(_("该服务项已不在本村的实践菜单中，不能新开点单。"))
    now = timezone.now()
    with transaction.atomic():
        # The flag is the race guard: of two heads recording at once, one matches.
        updated = Order.objects.filter(pk=order.pk, needs_follow_up=True).update(
            needs_follow_up=False, followed_up_at=now, follow_up_note=note, updated_at=now
        )
        if not updated:
            raise InvalidTransition(_("该点单无需回访或已回访。"))
        order.refresh_from_db()
        kind = admin_kind(actor)
        record_change(
            order,
            from_status=order.status,
            to_status=order.status,
            actor=actor,
            actor_kind=kind,
            note_kind=Note.FOLLOWED_UP,
        )
        if reopen:
            _open_follow_up_order(order, menu_item=menu_item, actor=actor, actor_kind=kind)
    return order


def _open_follow_up_order(original: Order, *, menu_item: MenuItem, actor, actor_kind: str) -> Order:
    """The new order a follow-up opens: the same resident, village and service, reviewed by the
    head who opened it (so open for claiming at once). Inside the caller's transaction."""
    now = timezone.now()
    new = Order.objects.create(
        number=next_number(now),
        tracking_token=new_tracking_token(),
        status=S.SUBMITTED,
        village_id=original.village_id,
        town_id=original.town_id,
        menu_item=menu_item,
        category_id=menu_item.category_id,
        name=original.name,
        phone=original.phone,
        description=original.description,
        people=original.people,
        target_group=original.target_group,
        follow_up_of=original,
    )
    record_change(
        new,
        from_status="",
        to_status=S.SUBMITTED,
        actor=actor,
        actor_kind=actor_kind,
        note_kind=Note.FOLLOW_UP_OF,
        note_data={"number": original.number, "order_id": original.pk},
    )
    record_change(
        original,
        from_status=original.status,
        to_status=original.status,
        actor=actor,
        actor_kind=actor_kind,
        note_kind=Note.FOLLOW_UP_ORDER,
        note_data={"number": new.number, "order_id": new.pk},
    )
    return transition(new, to=S.OPEN, actor=actor, actor_kind=actor_kind, opened_at=now)

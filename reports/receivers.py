"""Keep the rollups current: each order or event transition refreshes the rows it touches; and
keep the report cache honest: whatever a cached page shows (places, names, plans, volunteers)
invalidates the pages of its town when it changes.

The workflow sends its signals on commit, so the base rows are final when these run. A failure
here must never undo or block the resident's or volunteer's action, so it is logged; the
nightly ``rebuild_rollups`` task heals any row a lost refresh left stale.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from orders.models import Platform, ServiceCategory
from reports import cache as report_cache
from reports import services
from stations.models import Position, Town, Village
from volunteers.models import Team, Volunteer
from volunteers.signals import service_records_changed, volunteers_changed

logger = logging.getLogger(__name__)


def on_order_status_changed(sender, *, order_id, **kwargs) -> None:
    try:
        services.refresh_order(order_id=order_id)
    except Exception:
        logger.exception("could not refresh rollups for order %s", order_id)


def on_event_state_changed(sender, *, event_id, village_id=None, **kwargs) -> None:
    try:
        services.refresh_event(event_id=event_id, village_id=village_id)
    except Exception:
        logger.exception("could not refresh rollups for event %s", event_id)


def on_event_volunteer_saved(sender, instance, created, **kwargs) -> None:
    """A volunteer added to an event already done (a late confirmation) changes its hours."""
    event_id = instance.event_id
    transaction.on_commit(lambda: on_event_state_changed(sender, event_id=event_id))


def on_service_records_changed(sender, *, source_kind, source_id, **kwargs) -> None:
    """Confirmed hours moved (a confirmation, correction or revocation): the reports count
    confirmed hours only, so the order's or event's rows follow."""
    if source_kind == "order":
        on_order_status_changed(sender, order_id=source_id)
    elif source_kind == "event":
        on_event_state_changed(sender, event_id=source_id)


def on_wish_status_changed(sender, *, wish_id, to_status, **kwargs) -> None:
    """A fulfilled wish is a service of its village (coverage)."""
    if to_status != "fulfilled":
        return
    try:
        services.refresh_wish(wish_id=wish_id)
    except Exception:
        logger.exception("could not refresh rollups for wish %s", wish_id)


def on_plan_submitted(sender, *, town_id, **kwargs) -> None:
    """The coverage gap list says whether each station's plan is in (有计划)."""
    report_cache.bump(town_ids=[town_id])


def on_volunteers_changed(sender, *, town_ids, **kwargs) -> None:
    """The gap list counts each village's active volunteers (有队伍)."""
    report_cache.bump(town_ids=town_ids)


def on_volunteer_saving(sender, instance, **kwargs) -> None:
    """Remember the town a volunteer is moving out of: its gap list changes too."""
    if instance.pk:
        instance._reports_previous_town_id = (
            Volunteer.objects.filter(pk=instance.pk).values_list("town_id", flat=True).first()
        )


def on_volunteer_saved(sender, instance, **kwargs) -> None:
    """The gap list counts each village's active volunteers (有队伍)."""
    towns = {instance.town_id, getattr(instance, "_reports_previous_town_id", None)} - {None}
    report_cache.bump(town_ids=towns)


def on_plan_saved(sender, instance, **kwargs) -> None:
    """A plan edited in the admin (the workflow's submission sends ``plan_submitted``)."""
    town_id = (
        Position.objects.filter(pk=instance.position_id).values_list("town_id", flat=True).first()
    )
    report_cache.bump(town_ids=[town_id] if town_id else None)


def connect() -> None:
    """Connect to whichever workflow signals are installed."""
    from events.models import EventVolunteer, MonthlyPlan

    post_save.connect(on_event_volunteer_saved, sender=EventVolunteer, dispatch_uid="reports.ev")
    pre_save.connect(on_volunteer_saving, sender=Volunteer, dispatch_uid="reports.vol.pre")
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(on_volunteer_saved, sender=Volunteer, dispatch_uid=f"reports.vol.{name}")
        signal.connect(on_plan_saved, sender=MonthlyPlan, dispatch_uid=f"reports.plan.{name}")
    volunteers_changed.connect(on_volunteers_changed, dispatch_uid="reports.volunteers")
    service_records_changed.connect(on_service_records_changed, dispatch_uid="reports.records")
    # Names, station heads and phones appear in the cached coverage and orders reports.
    for model in (Town, Village, Position, ServiceCategory, Platform, Team):
        for signal in (post_save, post_delete):
            signal.connect(
                report_cache.on_place_changed,
                sender=model,
                dispatch_uid=f"reports.{model.__name__}",
            )
    try:
        from orders.signals import order_status_changed
    except ImportError:  # the orders workflow is not installed
        pass
    else:
        order_status_changed.connect(on_order_status_changed, dispatch_uid="reports.orders")
    try:
        from events.signals import event_state_changed, plan_submitted
    except ImportError:  # the events workflow is not installed
        pass
    else:
        event_state_changed.connect(on_event_state_changed, dispatch_uid="reports.events")
        plan_submitted.connect(on_plan_submitted, dispatch_uid="reports.plans")
    try:
        from wishes.signals import wish_status_changed
    except ImportError:  # the wish wall is not installed
        pass
    else:
        wish_status_changed.connect(on_wish_status_changed, dispatch_uid="reports.wishes")

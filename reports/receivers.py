"""Keep the rollups current: each order or event transition, and each wish's fulfilment, marks
its village stale in the same transaction (its audit row's ``post_save``), and queues the refresh
for after the commit; and keep the report cache honest: whatever a cached page shows (places,
names, plans, volunteers) invalidates the pages of its town when it changes.

The refresh never runs inside the resident's or volunteer's transaction and takes no lock
there: ``reports.services.refresh_pending`` (a Celery task, and a sweep every minute) drains
the markers, so a refresh that fails or a broker that is down delays the figures by a minute
and loses nothing.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from events.models import Event
from orders.models import Order, OrderStatusChange, Platform, ServiceCategory
from reports import cache as report_cache
from reports import services
from stations.models import Position, Town, Village
from volunteers.models import Team, Volunteer
from volunteers.signals import service_records_changed, volunteers_changed


def on_order_status_changed(sender, *, order_id, village_id=None, **kwargs) -> None:
    """An order's figures may have changed (its status, its confirmed hours)."""
    if village_id is None:
        village_id = Order.objects.filter(pk=order_id).values_list("village_id", flat=True).first()
    services.rollup_mark(village_ids=[village_id], order_id=order_id)


def on_event_state_changed(sender, *, event_id, village_id=None, **kwargs) -> None:
    """An event's figures may have changed: where it is now, and ``village_id`` if given."""
    current = Event.objects.filter(pk=event_id).values_list("village_id", flat=True).first()
    services.rollup_mark(village_ids=[village_id, current], event_id=event_id)


def on_order_change_saved(sender, instance, created, **kwargs) -> None:
    """Every order transition writes its ``OrderStatusChange`` in its transaction: the marker
    joins it (``_record`` passes the order, so its village costs no query)."""
    if created:
        services.rollup_mark(village_ids=[instance.order.village_id], order_id=instance.order_id)


def on_event_change_saved(sender, instance, created, **kwargs) -> None:
    """As for orders: every event transition writes an ``EventStateChange``."""
    if created:
        services.rollup_mark(village_ids=[instance.event.village_id], event_id=instance.event_id)


def on_event_volunteer_saved(sender, instance, created, **kwargs) -> None:
    """A volunteer added to an event already done (a late confirmation) changes its hours."""
    on_event_state_changed(sender, event_id=instance.event_id)


def on_event_saved(sender, instance, created, **kwargs) -> None:
    """An event edited outside its transitions (the admin changing a done event's category or
    times) moves its figures between rollup rows: refresh its village."""
    if not created:
        services.rollup_mark(village_ids=[instance.village_id], event_id=instance.pk)


def on_event_volunteer_deleted(sender, instance, **kwargs) -> None:
    """A helper taken off an event (the admin's inline) changes its volunteers' figures."""
    on_event_state_changed(sender, event_id=instance.event_id)


def on_service_records_changed(sender, *, source_kind, source_id, **kwargs) -> None:
    """Confirmed hours moved (a confirmation, correction or revocation): the reports count
    confirmed hours only, so the order's or event's rows follow."""
    if source_kind == "order":
        on_order_status_changed(sender, order_id=source_id)
    elif source_kind == "event":
        on_event_state_changed(sender, event_id=source_id)


def on_wish_change_saved(sender, instance, created, **kwargs) -> None:
    """A fulfilled wish is a service of its village (coverage): as for orders, the marker joins
    the fulfilment's transaction (its ``WishStatusChange`` row) and the refresh is queued for
    after the commit, never run inside the volunteer's request."""
    if created and instance.to_status == "fulfilled":
        services.rollup_mark(village_ids=[instance.wish.village_id], wish_id=instance.wish_id)


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
    from events.models import EventStateChange, EventVolunteer, MonthlyPlan

    post_save.connect(
        on_order_change_saved, sender=OrderStatusChange, dispatch_uid="reports.order_change"
    )
    post_save.connect(
        on_event_change_saved, sender=EventStateChange, dispatch_uid="reports.event_change"
    )
    post_save.connect(on_event_volunteer_saved, sender=EventVolunteer, dispatch_uid="reports.ev")
    post_delete.connect(
        on_event_volunteer_deleted, sender=EventVolunteer, dispatch_uid="reports.ev.delete"
    )
    post_save.connect(on_event_saved, sender=Event, dispatch_uid="reports.event")
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
        from events.signals import plan_submitted
    except ImportError:  # the events workflow is not installed
        pass
    else:
        plan_submitted.connect(on_plan_submitted, dispatch_uid="reports.plans")
    try:
        from wishes.models import WishStatusChange
    except ImportError:  # the wish wall is not installed
        pass
    else:
        post_save.connect(
            on_wish_change_saved, sender=WishStatusChange, dispatch_uid="reports.wish_change"
        )

"""Residents' personal data (PIPL: minimum necessary, shortest retention).

Three writes, each logged with a ``PersonalDataAction`` row in the same transaction:

- ``anonymise_expired``: the names and phones on orders closed, on check-ins at events ended,
  on wishes settled (turned down, fulfilled or turned into an event or a suggestion) and on
  volunteer applications decided (approved or declined; with the applicant's note) more than
  ``WENMING_RETENTION_DAYS`` ago are erased, with the account id an Open311 partner sent for
  such an order (Celery beat daily, ``manage.py anonymise``), and so are the phone numbers and
  e-mail addresses of notifications sent (or given up) that long ago and the one-time phone
  codes of then (``notifications.services.addresses_erase``). Idempotent: a row is erased once
  and marked ``anonymised_at`` (spent phone codes are deleted).
- ``resident_export``: an area admin exports one resident's records in their area, by phone.
- ``resident_erase``: an area admin erases (anonymises) them, on the resident's request; the
  outbox's copies of the phone (messages already sent, spent codes) and the account id a
  partner sent with those orders go with them. A volunteer application still pending is left
  (only ``joining.services`` decides one, and privacy does not import joining): the result
  says how many, for the admin to decide them first.

Erasing keeps the rows: the orders, their history, ratings, check-in counts and every report
figure stay, only who it was goes. The retention rule lives here, once, for both apps' rows.

Errors (``core.errors``): ``InvalidInput`` (bad phone, 400), ``NotInScope`` (not an area
admin, 404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import phone as phone_numbers
from core.errors import InvalidInput, NotInScope
from events.models import CheckIn
from notifications.services import addresses_erasable, addresses_erase
from open311.services import account_ids_erase
from orders.models import Order
from privacy.models import PersonalDataAction
from stations.scope import scope_for
from volunteers.models import VolunteerApplication
from wishes.models import Wish

# An order is closed once nothing more will happen to it: served (and perhaps rated), or
# cancelled or rejected. Orders still waiting or in service keep their contact.
CLOSED = [*Order.SERVED, *Order.CLOSED]
ERASED = {"name": "", "phone": ""}
# A wish is settled once the station or a volunteer is done with it; a wish still waiting for
# review, open on the wall or claimed keeps its contact (someone may still call the resident).
SETTLED_WISHES = [Wish.Status.REJECTED, Wish.Status.FULFILLED, Wish.Status.CONVERTED]
# A volunteer application once decided: a pending one keeps its contact (someone will call).
# The decline reason stays (the decider's words); an approved applicant's data lives on in
# their ``Volunteer`` record, which is not touched here.
DECIDED_APPLICATIONS = [
    VolunteerApplication.Status.APPROVED,
    VolunteerApplication.Status.DECLINED,
]
ERASED_APPLICATION = {**ERASED, "note": ""}


@dataclass
class ResidentRecords:
    phone: str
    orders: list[Order] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    applications: list[VolunteerApplication] = field(default_factory=list)
    wishes: list[Wish] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.orders) + len(self.checkins) + len(self.applications) + len(self.wishes)


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.WENMING_RETENTION_DAYS)


def _log(
    *,
    kind: str,
    actor=None,
    phone: str = "",
    orders: int,
    checkins: int,
    notifications: int = 0,
    wishes: int = 0,
    applications: int = 0,
) -> None:
    PersonalDataAction.objects.create(
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=actor.get_username() if actor is not None else "",
        phone_masked=phone_numbers.mask(phone) if phone else "",
        orders=orders,
        checkins=checkins,
        notifications=notifications,
        wishes=wishes,
        applications=applications,
    )


# --- retention ------------------------------------------------------------------------------


def expired_orders(now: dt.datetime | None = None) -> QuerySet[Order]:
    """Closed orders whose resident's contact is past the retention period."""
    return Order.objects.annotate(
        finished_at=Coalesce("rated_at", "completed_at", "closed_at")
    ).filter(status__in=CLOSED, anonymised_at__isnull=True, finished_at__lt=retention_cutoff(now))


def expired_checkins(now: dt.datetime | None = None) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(anonymised_at__isnull=True, event__end__lt=retention_cutoff(now))


def expired_wishes(now: dt.datetime | None = None) -> QuerySet[Wish]:
    """Settled wishes whose resident's contact is past the retention period (counted from when
    the wish was fulfilled, turned down or turned into an event or a suggestion)."""
    return Wish.objects.annotate(settled_at=Coalesce("fulfilled_at", "closed_at")).filter(
        status__in=SETTLED_WISHES, anonymised_at__isnull=True, settled_at__lt=retention_cutoff(now)
    )


def expired_applications(now: dt.datetime | None = None) -> QuerySet[VolunteerApplication]:
    """Volunteer applications decided (approved or declined) more than the retention period
    ago whose applicant's name, phone and note are still there."""
    return VolunteerApplication.objects.filter(
        status__in=DECIDED_APPLICATIONS,
        anonymised_at__isnull=True,
        decided_at__lt=retention_cutoff(now),
    )


def expired_notification_addresses(now: dt.datetime | None = None) -> int:
    """How many notification addresses are past the retention period (a dry run's count)."""
    return addresses_erasable(before=retention_cutoff(now))


def anonymise_expired(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Erase names, phones and notification addresses past ``WENMING_RETENTION_DAYS``; returns
    what was erased (``orders``, ``checkins``, ``wishes``, ``applications``,
    ``partner_accounts``, ``notifications``, ``phone_codes``, ``subscriptions``).

    Safe to run any number of times, and concurrently: each UPDATE only matches rows not yet
    anonymised, so a row is counted by one run only.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The ids first: an UPDATE cannot filter on the annotation across every backend.
        order_ids = list(expired_orders(now).values_list("pk", flat=True))
        orders = Order.objects.filter(pk__in=order_ids, anonymised_at__isnull=True).update(
            anonymised_at=now, **ERASED
        )
        checkins = expired_checkins(now).update(anonymised_at=now, **ERASED)
        wish_ids = list(expired_wishes(now).values_list("pk", flat=True))
        wishes = Wish.objects.filter(pk__in=wish_ids, anonymised_at__isnull=True).update(
            anonymised_at=now, **ERASED
        )
        applications = expired_applications(now).update(anonymised_at=now, **ERASED_APPLICATION)
        # The partner's account id goes with the order's contact (this run's, or earlier ones').
        partner_accounts = account_ids_erase()
        outbox = addresses_erase(before=retention_cutoff(now), now=now)
        if orders or checkins or wishes or applications or outbox["notifications"]:
            _log(
                kind=PersonalDataAction.Kind.RETENTION,
                orders=orders,
                checkins=checkins,
                notifications=outbox["notifications"],
                wishes=wishes,
                applications=applications,
            )
    return {
        "orders": orders,
        "checkins": checkins,
        "wishes": wishes,
        "applications": applications,
        "partner_accounts": partner_accounts,
        **outbox,
    }


# --- one resident's data, on request --------------------------------------------------------


def _clean_phone(phone: str) -> str:
    try:
        return phone_numbers.clean(phone)
    except ValidationError as exc:
        raise InvalidInput(fields={"phone": list(exc.messages)}) from None


def _area(actor):
    scope = scope_for(actor)
    if not scope.is_admin:
        raise NotInScope()
    return scope


def resident_records(*, actor, phone: str) -> ResidentRecords:
    """One resident's orders, check-ins, volunteer applications and wishes in ``actor``'s area,
    found by phone (a read)."""
    scope = _area(actor)
    phone = _clean_phone(phone)
    orders = scope.filter(
        Order.objects.filter(phone=phone).select_related("village", "town", "menu_item")
    ).order_by("created_at", "pk")
    checkins = scope.filter(
        CheckIn.objects.filter(phone=phone).select_related("event"),
        town="event__town",
        village="event__village",
    ).order_by("created_at", "pk")
    applications = scope.filter(
        VolunteerApplication.objects.filter(phone=phone).select_related("village")
    ).order_by("created_at", "pk")
    wishes = scope.filter(
        Wish.objects.filter(phone=phone).select_related("village", "category")
    ).order_by("created_at", "pk")
    return ResidentRecords(
        phone=phone,
        orders=list(orders),
        checkins=list(checkins),
        applications=list(applications),
        wishes=list(wishes),
    )


def resident_export(*, actor, phone: str) -> ResidentRecords:
    """What ``actor``'s area holds on the resident with ``phone``, for them to take away.

    Logged (who, when, the masked phone, how many records), even when nothing was found.
    """
    with transaction.atomic():
        records = resident_records(actor=actor, phone=phone)
        _log(
            kind=PersonalDataAction.Kind.EXPORT,
            actor=actor,
            phone=records.phone,
            orders=len(records.orders),
            checkins=len(records.checkins),
            applications=len(records.applications),
            wishes=len(records.wishes),
        )
    return records


def resident_erase(*, actor, phone: str) -> dict[str, int]:
    """Erase the name and phone on the resident's orders, check-ins, wishes and decided
    volunteer applications (with the application's note) in ``actor``'s area.

    Orders and wishes still in progress lose their contact too (the resident asked): the
    volunteer can no longer call; the wish's public text stays on the wall. A volunteer
    application still pending is left as it is (only ``joining.services`` may decide it):
    counted in ``pending_applications``, for the admin to decide it first. Logged like an
    export. Returns how many of each were erased.
    """
    with transaction.atomic():
        records = resident_records(actor=actor, phone=phone)
        now = timezone.now()
        orders = Order.objects.filter(pk__in=[o.pk for o in records.orders]).update(
            anonymised_at=now, updated_at=now, **ERASED
        )
        checkins = CheckIn.objects.filter(pk__in=[c.pk for c in records.checkins]).update(
            anonymised_at=now, **ERASED
        )
        decided = [a.pk for a in records.applications if a.status in DECIDED_APPLICATIONS]
        pending = len(records.applications) - len(decided)
        applications = VolunteerApplication.objects.filter(pk__in=decided).update(
            anonymised_at=now, **ERASED_APPLICATION
        )
        wishes = Wish.objects.filter(pk__in=[w.pk for w in records.wishes]).update(
            anonymised_at=now, **ERASED
        )
        # The outbox keeps the phone only as an address messages went to: whoever the area,
        # the resident asked for it to go (messages still on their way are left to arrive).
        outbox = addresses_erase(phone=records.phone, now=now)
        account_ids_erase()  # a partner's account id for those orders goes with them
        _log(
            kind=PersonalDataAction.Kind.ERASE,
            actor=actor,
            phone=records.phone,
            orders=orders,
            checkins=checkins,
            notifications=outbox["notifications"],
            applications=applications,
            wishes=wishes,
        )
    return {
        "orders": orders,
        "checkins": checkins,
        "applications": applications,
        "wishes": wishes,
        "pending_applications": pending,
        **outbox,
    }

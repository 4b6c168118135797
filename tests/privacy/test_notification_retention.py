"""The outbox keeps phone numbers and e-mail addresses (Notification.address) and the phone-code
rows keep phones: personal data, erased after WENMING_RETENTION_DAYS like the orders they came
from, and at the resident's request; the one-time code itself is not kept once sent."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from notifications import phone_codes, services
from notifications.kinds import Channel, Kind
from notifications.models import Notification, PhoneCode
from notifications.services import notify
from privacy import tasks
from privacy.models import PersonalDataAction
from tests.privacy.conftest import LONG_AGO, NOW, PHONE, RECENT, S

OTHER = "13900000003"


pytestmark = pytest.mark.usefixtures("no_quiet_hours")


def deliver_all():
    """Send what the orders queued (tests hold one transaction, so on-commit never runs)."""
    for pk, due in Notification.objects.filter(state="pending").values_list(
        "pk", "next_attempt_at"
    ):
        services.deliver(notification_id=pk, now=due)


def sms_to(phone):
    return Notification.objects.filter(channel=Channel.SMS, address=phone)


def code_at(when, phone=PHONE):
    with time_machine.travel(when, tick=False):
        phone_codes.phone_code_issue(phone=phone)


def test_retention_erases_old_sms_addresses_and_codes_only(make_order, now, station_head):
    old = make_order(S.COMPLETED, when=LONG_AGO)
    make_order(S.COMPLETED, when=RECENT, phone=OTHER)
    code_at(LONG_AGO)
    code_at(RECENT, phone=OTHER)
    with time_machine.travel(LONG_AGO, tick=False):
        # A message that never went out (given up on) is history too.
        notify(cause="test:failed", kind=Kind.RATING_REMINDER, payload={}, phones=[PHONE])
        Notification.objects.filter(cause="test:failed").update(state="failed")
    deliver_all()
    # The resident's (received, accepted, completed, the code, the failed one) and the station
    # head's SMS of then.
    old_rows = set(
        Notification.objects.exclude(channel=Channel.INBOX)
        .filter(created_at__lt=NOW - dt.timedelta(days=365))
        .values_list("pk", flat=True)
    )
    assert sms_to(PHONE).count() == 5 and len(old_rows) == 6
    recent_rows = set(sms_to(OTHER).values_list("pk", flat=True))

    done = tasks.anonymise_expired()

    assert done["notifications"] == len(old_rows)
    assert done["phone_codes"] == 1
    assert not sms_to(PHONE).exists()
    erased = Notification.objects.filter(pk__in=old_rows)
    assert all(n.address == "" and n.anonymised_at == NOW for n in erased)
    assert all(n.masked_address == "" for n in erased)
    # What was sent, when and of what kind stays (the admin's history); the order too.
    assert {n.kind for n in erased} >= {Kind.ORDER_RECEIVED, Kind.PHONE_CODE}
    old.refresh_from_db()
    assert old.status == S.COMPLETED and old.phone == ""
    # Recent ones are untouched.
    assert set(sms_to(OTHER).values_list("pk", flat=True)) == recent_rows
    assert list(PhoneCode.objects.values_list("phone", flat=True)) == [OTHER]
    log = PersonalDataAction.objects.get()
    assert (log.kind, log.orders, log.notifications) == ("retention", 1, len(old_rows))

    # Idempotent: a second run finds nothing more.
    again = tasks.anonymise_expired()
    assert (again["notifications"], again["phone_codes"]) == (0, 0)


def test_messages_still_on_their_way_and_live_codes_are_kept(db, now):
    with time_machine.travel(LONG_AGO, tick=False):
        notify(cause="test:pending", kind=Kind.RATING_REMINDER, payload={}, phones=[PHONE])
    # A code still valid (issued a minute before "now") is not spent.
    code_at(NOW - dt.timedelta(minutes=1))
    tasks.anonymise_expired()
    assert sms_to(PHONE).filter(cause="test:pending").get().state == "pending"
    assert PhoneCode.objects.filter(phone=PHONE).count() == 1


def test_the_dry_run_counts_notification_addresses(make_order, now):
    make_order(S.COMPLETED, when=LONG_AGO)
    deliver_all()
    out = StringIO()
    call_command("anonymise", "--dry-run", stdout=out)
    count = sms_to(PHONE).count()
    assert (
        f"将匿名化 1 个点单、0 条签到、0 个心愿、0 份志愿者申请、{count} 条通知的接收地址"
        in out.getvalue()
    )
    assert sms_to(PHONE).count() == count  # nothing changed


def test_a_code_is_not_kept_in_the_outbox_once_sent(db, now):
    phone_codes.phone_code_issue(phone=PHONE)
    deliver_all()
    sent = Notification.objects.get(kind=Kind.PHONE_CODE)
    assert sent.state == "sent"
    assert sent.payload["code"] == ""
    assert PhoneCode.objects.get().code_hash  # only the hash proves it


def test_the_residents_erasure_takes_the_outbox_copies_too(client, station_head, make_order, now):
    make_order(S.COMPLETED, when=RECENT)
    code_at(NOW - dt.timedelta(hours=1))  # spent: expired
    deliver_all()
    sent = sms_to(PHONE).count()
    assert sent >= 3
    client.force_login(station_head)
    client.post("/privacy/resident/", {"phone": PHONE, "action": "erase", "confirm": "on"})
    assert not sms_to(PHONE).exists()
    assert not PhoneCode.objects.filter(phone=PHONE).exists()
    log = PersonalDataAction.objects.get()
    assert (log.kind, log.orders, log.notifications) == ("erase", 1, sent)

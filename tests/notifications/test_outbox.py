"""The outbox: rows written with the change, delivered after commit, idempotent, retried with
backoff, deferred by the quiet hours, resent from the admin."""

import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications import services, tasks
from notifications.kinds import Channel, Kind
from notifications.models import Notification, NotificationPreference
from tests import factories as f
from tests.notifications.conftest import at

State = Notification.State
PHONE = "13812341234"
NOON = at(2026, 12, 1, 12, 0)


def sms(cause="order:1:change:1", kind=Kind.ORDER_RECEIVED, phone=PHONE, **payload):
    payload = {"number": "WM-202612-000001", "item": "宣讲", "url": "/orders/t/x/", **payload}
    return services.notify(cause=cause, kind=kind, payload=payload, phones=[phone])


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def test_rows_roll_back_with_the_change(db, member, django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(cause="c:1", kind=Kind.ORDER_NEW, payload={}, users=[member.pk])
        assert Notification.objects.count() == 1
        raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0


def test_same_cause_twice_writes_once(db, member, frozen, django_capture_on_commit_callbacks):
    for _ in range(2):
        services.notify(cause="c:1", kind=Kind.ORDER_NEW, payload={}, users=[member.pk])
        sms(cause="c:1")
    # order_new defaults to inbox + SMS; the member has no phone, so inbox only, plus the SMS.
    assert Notification.objects.filter(channel=Channel.INBOX).count() == 1
    assert Notification.objects.filter(channel=Channel.SMS).count() == 1


def test_sms_delivered_after_commit_and_logged_masked(
    db, frozen, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        sms()
    n = Notification.objects.get()
    assert (n.state, n.attempts, n.sent_at is not None) == (State.SENT, 1, True)
    assert "138****1234" in caplog.text and PHONE not in caplog.text
    assert "http://127.0.0.1:8000/orders/t/x/" in caplog.text  # links are absolute in SMS


def test_broker_down_leaves_the_row_for_the_sweep(
    db, frozen, caplog, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tasks.deliver_cause, "delay", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sms()
    n = Notification.objects.get()
    assert n.state == State.PENDING and "could not queue" in caplog.text
    assert services.due_ids() == [n.pk]
    assert tasks.sweep() == 1  # eager in tests: the sweep's deliver runs at once
    n.refresh_from_db()
    assert n.state == State.SENT
    assert tasks.sweep() == 0


class Failing:
    def send(self, notification):
        from notifications.backends import DeliveryError

        raise DeliveryError("gateway said no")


def test_failures_back_off_then_give_up(db, settings, frozen, no_quiet_hours):
    settings.WENMING_SMS_BACKEND = "tests.notifications.test_outbox.Failing"
    sms()
    n = Notification.objects.get()
    for _ in range(len(services.BACKOFF) + 1):
        assert services.deliver(notification_id=n.pk) is False
        n.refresh_from_db()
        if n.state == State.FAILED:
            break
        # Not due before its backoff has passed.
        assert services.due_ids() == []
        frozen.move_to(n.next_attempt_at)
    assert n.state == State.FAILED and n.attempts == len(services.BACKOFF) + 1
    assert n.last_error == "gateway said no"
    assert services.due_ids() == []


def test_backoff_grows(db, settings, frozen, no_quiet_hours):
    settings.WENMING_SMS_BACKEND = "tests.notifications.test_outbox.Failing"
    sms()
    n = Notification.objects.get()
    gaps = []
    for _ in range(3):
        services.deliver(notification_id=n.pk)
        n.refresh_from_db()
        gaps.append(round((n.next_attempt_at - timezone.now()).total_seconds()))
        frozen.move_to(n.next_attempt_at)
    assert gaps == services.BACKOFF[:3]


def test_resend_makes_a_failed_message_due_again(
    db, settings, frozen, no_quiet_hours, django_capture_on_commit_callbacks
):
    settings.WENMING_SMS_BACKEND = "tests.notifications.test_outbox.Failing"
    sms()
    n = Notification.objects.get()
    Notification.objects.filter(pk=n.pk).update(
        state=State.FAILED, attempts=6, next_attempt_at=None
    )
    settings.WENMING_SMS_BACKEND = "notifications.backends.ConsoleSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend(notification_ids=[n.pk]) == 1
    n.refresh_from_db()
    assert (n.state, n.attempts) == (State.SENT, 1)
    assert services.resend(notification_ids=[n.pk]) == 0  # a sent message is not sent again


def test_two_deliveries_of_one_row_send_once(db, frozen, no_quiet_hours):
    sms()
    n = Notification.objects.get()
    with mock.patch("notifications.backends.ConsoleSMSBackend.send") as send:
        assert services.deliver(notification_id=n.pk) is True
        assert services.deliver(notification_id=n.pk) is False
    assert send.call_count == 1


def test_a_worker_that_died_mid_send_is_retried_after_its_lease(db, frozen, no_quiet_hours):
    sms()
    n = Notification.objects.get()
    Notification.objects.filter(pk=n.pk).update(
        state=State.SENDING, next_attempt_at=NOON + services.LEASE
    )
    assert services.due_ids() == []
    frozen.move_to(NOON + services.LEASE)
    assert services.due_ids() == [n.pk]
    assert services.deliver(notification_id=n.pk) is True


# --- quiet hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "until"),
    [
        (at(2026, 12, 1, 22, 0), at(2026, 12, 2, 7, 0)),
        (at(2026, 12, 1, 23, 59), at(2026, 12, 2, 7, 0)),
        (at(2026, 12, 2, 3, 0), at(2026, 12, 2, 7, 0)),
        (at(2026, 12, 2, 6, 59), at(2026, 12, 2, 7, 0)),
        (at(2026, 12, 2, 7, 0), None),
        (at(2026, 12, 1, 21, 59), None),
    ],
)
def test_quiet_hours_window(now, until):
    assert services.sms_quiet_until(now) == until


def test_sms_at_night_is_deferred_to_the_morning(db, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(at(2026, 12, 1, 23, 30), tick=False) as traveller,
        mock.patch("notifications.backends.ConsoleSMSBackend.send") as send,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            sms()
        n = Notification.objects.get()
        assert n.state == State.PENDING and n.next_attempt_at == at(2026, 12, 2, 7, 0)
        assert send.call_count == 0
        traveller.move_to(at(2026, 12, 2, 6, 59))
        assert tasks.sweep() == 0
        traveller.move_to(at(2026, 12, 2, 7, 0))
        assert tasks.sweep() == 1
    n.refresh_from_db()
    assert n.state == State.SENT and send.call_count == 1


def test_a_retry_that_falls_in_the_quiet_hours_waits(db, no_quiet_hours, settings):
    with time_machine.travel(at(2026, 12, 1, 21, 0), tick=False) as traveller:
        sms()
        settings.WENMING_SMS_QUIET_HOURS = "22:00-07:00"
        traveller.move_to(at(2026, 12, 1, 22, 30))
        n = Notification.objects.get()
        assert services.deliver(notification_id=n.pk) is False
        n.refresh_from_db()
        assert (n.state, n.attempts) == (State.PENDING, 0)
        assert n.next_attempt_at == at(2026, 12, 2, 7, 0)


def test_codes_are_not_held_back_at_night(db, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 12, 1, 23, 30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sms(kind=Kind.PHONE_CODE, code="123456")
        assert Notification.objects.get().state == State.SENT


# --- preferences and channels --------------------------------------------------------------------


def test_preferences_choose_the_channels(
    db, member, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=member, channels={Kind.ORDER_NEW: ["email"]}, phone=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            cause="c:1",
            kind=Kind.ORDER_NEW,
            payload={"number": "WM-1", "village": "团结村", "item": "宣讲", "url": "/x/"},
            users=[member.pk],
        )
    assert list(Notification.objects.values_list("channel", "state")) == [("email", "sent")]
    assert len(mailoutbox) == 1 and "WM-1" in mailoutbox[0].subject
    assert mailoutbox[0].to == ["reader@example.com"]


def test_an_empty_choice_silences_a_kind(db, member):
    NotificationPreference.objects.create(user=member, channels={Kind.ORDER_NEW: []})
    assert services.notify(cause="c", kind=Kind.ORDER_NEW, payload={}, users=[member.pk]) == 0


def test_sms_to_a_login_uses_their_phone(db, member, frozen, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=member, phone="13700001111")
    services.notify(cause="c", kind=Kind.ORDER_NEW, payload={}, users=[member.pk])
    assert Notification.objects.get(channel=Channel.SMS).address == "13700001111"


def test_wechat_only_when_its_gateway_is_configured(db, member, settings):
    NotificationPreference.objects.create(user=member, channels={Kind.ORDER_NEW: ["wechat"]})
    assert services.notify(cause="c", kind=Kind.ORDER_NEW, payload={}, users=[member.pk]) == 0
    settings.WENMING_WECHAT_WEBHOOK_URL = "http://127.0.0.1:9/"
    assert services.notify(cause="c", kind=Kind.ORDER_NEW, payload={}, users=[member.pk]) == 1


def test_invalid_phones_get_no_sms(db):
    assert sms(phone="12345") == 0


# --- the HTTP gateway and WeChat: signed JSON ---------------------------------------------


@pytest.fixture
def receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        status = 200

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(Handler.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", received, Handler
    server.shutdown()
    server.server_close()


def test_http_gateway_gets_signed_json(db, settings, frozen, no_quiet_hours, receiver):
    url, received, _handler = receiver
    settings.WENMING_SMS_BACKEND = "notifications.backends.HttpSMSBackend"
    settings.WENMING_SMS_GATEWAY_URL = url
    settings.WENMING_SMS_GATEWAY_SECRET = "s3cret"
    sms()
    n = Notification.objects.get()
    assert services.deliver(notification_id=n.pk) is True
    headers, body = received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Wenming-Signature"] == expected
    assert headers["Idempotency-Key"] == f"wenming-notification-{n.pk}"
    data = json.loads(body)
    assert data["to"] == PHONE and data["id"] == str(n.pk) and data["kind"] == "order_received"
    assert "WM-202612-000001" in data["text"]


def test_http_gateway_error_is_retried(db, settings, frozen, no_quiet_hours, receiver):
    url, _received, handler = receiver
    handler.status = 503
    settings.WENMING_SMS_BACKEND = "notifications.backends.HttpSMSBackend"
    settings.WENMING_SMS_GATEWAY_URL = url
    sms()
    n = Notification.objects.get()
    assert services.deliver(notification_id=n.pk) is False
    n.refresh_from_db()
    assert (n.state, n.attempts, n.last_error) == (State.PENDING, 1, "HTTP 503")


def test_wechat_gets_signed_json(db, settings, member, frozen, receiver):
    url, received, _handler = receiver
    settings.WENMING_WECHAT_WEBHOOK_URL = url
    settings.WENMING_WECHAT_WEBHOOK_SECRET = "wx"
    NotificationPreference.objects.create(user=member, channels={Kind.ORDER_NEW: ["wechat"]})
    services.notify(cause="c", kind=Kind.ORDER_NEW, payload={"url": "/s/"}, users=[member.pk])
    n = Notification.objects.get()
    assert services.deliver(notification_id=n.pk) is True
    headers, body = received[0]
    assert headers["X-Wenming-Signature"].startswith("sha256=")
    data = json.loads(body)
    assert data["user_id"] == member.pk and data["username"] == "reader"
    assert data["url"] == "http://127.0.0.1:8000/s/"


def test_admin_lists_failures_and_resends(db, settings, frozen, no_quiet_hours, client):
    admin_user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    settings.WENMING_SMS_BACKEND = "tests.notifications.test_outbox.Failing"
    sms()
    n = Notification.objects.get()
    Notification.objects.filter(pk=n.pk).update(state=State.FAILED, last_error="HTTP 500")
    client.force_login(admin_user)
    page = client.get("/admin/notifications/notification/?state__exact=failed")
    assert page.status_code == 200
    text = page.content.decode()
    assert "HTTP 500" in text and "138****1234" in text and PHONE not in text
    settings.WENMING_SMS_BACKEND = "notifications.backends.ConsoleSMSBackend"
    response = client.post(
        "/admin/notifications/notification/",
        {"action": "resend", "_selected_action": [n.pk]},
    )
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.state in (State.PENDING, State.SENT) and n.attempts in (0, 1)


def test_a_causes_messages_are_held_and_marked_in_one_statement_each(db, frozen):
    """A batch of orders' notices is one cause each, or many causes in one task
    (``deliver_causes``): the statements do not grow with the messages, so neither do the
    commits a worker waits for."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    phones = [f"139000000{i:02d}" for i in range(10)]
    payload = {"number": "WM-202612-000001", "item": "宣讲", "url": "/orders/t/x/"}
    services.notify(cause="c:many", kind=Kind.ORDER_RECEIVED, payload=payload, phones=phones)
    with CaptureQueriesContext(connection) as queries:
        assert services.deliver_cause(cause="c:many") == 10
    # (savepoint,) the held rows, their lease, (release,) the one UPDATE of those sent.
    assert len(queries) <= 5
    rows = Notification.objects.filter(cause="c:many")
    assert {(n.state, n.attempts) for n in rows} == {(State.SENT, 1)}
    assert services.deliver_cause(cause="c:many") == 0  # nothing due: nothing sent twice
    assert tasks.deliver_causes(["c:many"]) == 0


def test_messages_sent_before_a_task_is_stopped_are_marked_sent(db, frozen):
    """``deliver_due`` sends one by one and marks them at the end: a worker stopped half-way (the
    soft time limit of a batch of causes) must still mark those that went out, or the sweep
    sends them again once the lease ends."""
    from celery.exceptions import SoftTimeLimitExceeded

    phones = ["13900000001", "13900000002", "13900000003"]
    payload = {"number": "WM-202612-000001", "item": "宣讲", "url": "/orders/t/x/"}
    services.notify(cause="c:stop", kind=Kind.ORDER_RECEIVED, payload=payload, phones=phones)
    went_out = []

    class Backend:
        def send(self, n):
            if len(went_out) == 2:
                raise SoftTimeLimitExceeded()
            went_out.append(n.address)

    with (
        mock.patch.object(services.backends, "for_channel", return_value=Backend()),
        pytest.raises(SoftTimeLimitExceeded),
    ):
        services.deliver_cause(cause="c:stop")
    sent = set(
        Notification.objects.filter(cause="c:stop", state=State.SENT).values_list(
            "address", flat=True
        )
    )
    assert sent == set(went_out)
    # After the lease the third is due again, and only it.
    frozen.shift(services.LEASE.total_seconds() + 1)
    later = timezone.now()
    assert set(
        Notification.objects.filter(services._due(later)).values_list("address", flat=True)
    ) == {"13900000003"}


def test_a_batch_sends_each_cause_to_its_own_phones(db, member, frozen):
    """In a batch (``services.batched``) each login's channels are asked once and reused: the
    phones one cause adds must not stick to that list and go out with the next cause."""
    payload = {"number": "WM-202612-000001", "item": "宣讲", "url": "/orders/t/x/"}
    with transaction.atomic(), services.batched():
        services.notify(
            cause="c:1", kind=Kind.ORDER_NEW, payload=payload, users=[member.pk], phones=[PHONE]
        )
        services.notify(cause="c:2", kind=Kind.ORDER_NEW, payload=payload, users=[member.pk])
    assert set(
        Notification.objects.filter(channel=Channel.SMS).values_list("cause", "address")
    ) == {("c:1", PHONE)}

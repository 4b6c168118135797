"""Residents subscribe, by phone and without an account, to a village station's event
reminders: an SMS code confirms the phone, the day before a published event they get an SMS
with an unsubscribe link, and the link unsubscribes."""

import pytest
import time_machine

from events import reminders
from notifications.kinds import Kind
from notifications.models import EventSubscription, Notification
from notifications.services import addresses_erase
from tests.events.conftest import create_event, make_event  # noqa: F401 - fixtures
from tests.notifications.conftest import at

PHONE = "13812341234"
URL = "/reminders/"


def last_code() -> str:
    return Notification.objects.filter(kind=Kind.PHONE_CODE).order_by("-id").first().payload["code"]


def ask(client, village, phone=PHONE):
    return client.post(URL, {"action": "send", "village": village.pk, "phone": phone})


def confirm(client, village, code, phone=PHONE):
    return client.post(
        URL, {"action": "verify", "village": village.pk, "phone": phone, "code": code}
    )


@pytest.fixture
def subscribed(client, tuanjie):
    ask(client, tuanjie)
    confirm(client, tuanjie, last_code())
    return EventSubscription.objects.get(phone=PHONE, village=tuanjie)


def test_choose_town_then_village_then_phone(client, tuanjie, neighbour_village, other_village):
    page = client.get(URL).content.decode()
    assert "洪绪镇" in page and "团结村" not in page  # towns first
    page = client.get(URL, {"town": tuanjie.town_id}).content.decode()
    assert "团结村" in page and "前进村" in page and "龙泉社区" not in page
    page = client.get(URL, {"village": tuanjie.pk}).content.decode()
    assert "洪绪镇 · 团结村" in page and 'name="phone"' in page


def test_subscribe_with_the_sms_code(client, tuanjie):
    response = ask(client, tuanjie)
    assert response.status_code == 200
    assert "验证码已发送到 138****1234" in response.content.decode()
    sub = EventSubscription.objects.get()
    assert (sub.phone, sub.village, sub.confirmed_at) == (PHONE, tuanjie, None)
    assert Notification.objects.get(kind=Kind.PHONE_CODE).address == PHONE

    assert (
        confirm(client, tuanjie, "000000" if last_code() != "000000" else "111111").status_code
        == 400
    )
    sub.refresh_from_db()
    assert sub.confirmed_at is None

    response = confirm(client, tuanjie, last_code())
    assert response.status_code == 200
    assert (
        "已订阅：团结村 实践站的活动将在前一天通过短信提醒 138****1234" in response.content.decode()
    )
    sub.refresh_from_db()
    assert sub.confirmed_at is not None
    # Asking again changes nothing but sends a new code: the subscription stays confirmed.
    ask(client, tuanjie)
    assert EventSubscription.objects.get().confirmed_at == sub.confirmed_at


def test_a_code_for_another_village_does_not_confirm(client, tuanjie, neighbour_village):
    ask(client, tuanjie)
    assert confirm(client, neighbour_village, last_code()).status_code == 400
    assert not EventSubscription.objects.filter(confirmed_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "send", "village": "", "phone": PHONE}, "请选择有效的村（社区）。"),
        ({"action": "send", "village": "99999999", "phone": PHONE}, "请选择有效的村（社区）。"),
        ({"action": "send", "village": "x", "phone": PHONE}, "请选择有效的村（社区）。"),
        ({"action": "send", "village": "{v}", "phone": "12345"}, "手机号"),
        ({"action": "nope", "village": "{v}", "phone": PHONE}, ""),
    ],
)
def test_bad_input_is_a_400_and_writes_nothing(client, tuanjie, data, field):
    data = {k: v.replace("{v}", str(tuanjie.pk)) for k, v in data.items()}
    response = client.post(URL, data)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not EventSubscription.objects.exists()
    assert not Notification.objects.exists()
    assert client.get(URL, {"village": "99999999"}).status_code == 400


def test_asking_for_codes_is_rate_limited_per_phone(client, tuanjie, settings):
    for _ in range(5):
        assert ask(client, tuanjie).status_code == 200
    response = ask(client, tuanjie)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Notification.objects.filter(kind=Kind.PHONE_CODE).count() == 5


def test_the_day_before_a_published_event_subscribers_get_an_sms_with_the_unsubscribe_link(
    client,
    subscribed,
    make_event,  # noqa: F811
    tuanjie,
    neighbour_village,
):
    other = EventSubscription.objects.create(
        phone="13900001111",
        village=neighbour_village,
        token="other-token",
        confirmed_at=subscribed.confirmed_at,
    )
    pending = EventSubscription.objects.create(
        phone="13900002222", village=tuanjie, token="pending"
    )
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        make_event(state="published", start=at(2026, 12, 3, 9, 0))
        planned = make_event(state="planned", start=at(2026, 12, 3, 14, 0), title="未发布活动")
    with time_machine.travel(at(2026, 12, 2, 18, 0), tick=False):
        assert reminders.event_remind_day_before() == 1
        reminders.event_remind_day_before()  # a second beat: nothing more
    sent = Notification.objects.filter(kind=Kind.EVENT_NOTICE)
    assert list(sent.values_list("address", flat=True)) == [
        PHONE
    ]  # not the unconfirmed, not another village
    sms = sent.get()
    assert sms.payload["unsubscribe"] == f"/reminders/off/{subscribed.token}/"
    text = sms.body
    assert "明天 2026-12-03 09:00" in text and "民法典宣讲" in text and "退订" in text
    assert planned.title not in Notification.objects.values_list("payload__title", flat=True)
    assert other.phone and pending.phone

    # The link asks first (a link preview must not unsubscribe), then unsubscribes.
    off = f"/reminders/off/{subscribed.token}/"
    page = client.get(off)
    assert (
        page.status_code == 200 and "不再接收 团结村 实践站的活动提醒短信" in page.content.decode()
    )
    assert EventSubscription.objects.filter(pk=subscribed.pk).exists()
    done = client.post(off)
    assert "已退订" in done.content.decode()
    assert not EventSubscription.objects.filter(pk=subscribed.pk).exists()
    assert client.get(off).status_code == 404  # a used link
    assert client.post(off).status_code == 200  # clicking twice is fine
    assert client.get("/reminders/off/not-a-token/").status_code == 404


def test_the_event_page_links_to_the_subscription(client, make_event, tuanjie):  # noqa: F811
    event = make_event(state="published")
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert f"/reminders/?village={tuanjie.pk}" in page


def test_erasure_and_retention_drop_subscriptions(client, subscribed, tuanjie):
    stale = EventSubscription.objects.create(phone="13900002222", village=tuanjie, token="stale")
    with time_machine.travel(at(2030, 1, 1, 9, 0)):
        done = addresses_erase(before=at(2029, 1, 1, 9, 0))
    assert done["subscriptions"] == 1  # the one never confirmed
    assert not EventSubscription.objects.filter(pk=stale.pk).exists()
    assert addresses_erase(phone=PHONE)["subscriptions"] == 1
    assert not EventSubscription.objects.exists()


def test_many_subscribers_cost_no_more_queries(
    make_event,  # noqa: F811
    tuanjie,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        make_event(state="published", start=at(2026, 12, 3, 9, 0))
        make_event(state="published", start=at(2026, 12, 3, 15, 0), title="第二场")

    def subscribe(n, start):
        EventSubscription.objects.bulk_create(
            EventSubscription(
                phone=f"139{start + i:08d}",
                village=tuanjie,
                token=f"t{start + i}",
                confirmed_at=at(2026, 11, 1, 9, 0),
            )
            for i in range(n)
        )

    subscribe(1, 0)
    with time_machine.travel(at(2026, 12, 2, 18, 0), tick=False):
        with CaptureQueriesContext(connection) as one:
            reminders.event_remind_day_before()
    Notification.objects.all().delete()
    subscribe(40, 100)
    with time_machine.travel(at(2026, 12, 2, 18, 0), tick=False):
        with django_assert_max_num_queries(len(one)):
            reminders.event_remind_day_before()
    assert Notification.objects.filter(kind=Kind.EVENT_NOTICE).count() == 41 * 2

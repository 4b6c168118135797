"""A stranger joins and claims a first order, and a volunteer resets a forgotten password, in a
phone-sized browser (360×740, Debian's Chromium): the journeys of issue 16.

Each step waits on what the page shows (a heading, a message, an address), never on time.
``WENMING_SCREENSHOTS=<dir>`` saves the form, the queue and the password pages as PNGs."""

import os
import re
from pathlib import Path

import pytest

from orders.models import Order
from tests import factories as f
from tests.browser import fits_width, marks
from tests.joining import sms
from tests.orders.factories import order_in_state
from volunteers.models import Volunteer, VolunteerApplication

pytestmark = marks

APPLICANT_PHONE = "13712345678"
NEW_PASSWORD = "wenming-join-2026"  # noqa: S105


@pytest.fixture
def sms_inbox(settings, live_server):
    settings.WENMING_SMS_BACKEND = "tests.joining.sms.KeepingSMSBackend"
    settings.WENMING_SMS_QUIET_HOURS = ""  # the approval SMS is not held back overnight
    settings.SITE_URL = live_server.url
    sms.SENT.clear()
    yield sms.SENT
    sms.SENT.clear()


def _shot(page, name: str) -> None:
    folder = os.environ.get("WENMING_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _texts_to(inbox, phone: str) -> list[str]:
    """The SMS ``phone`` received. Without a broker the live server delivered them after commit;
    with one (CI) no worker runs here, so deliver what is due as the outbox's sweep would."""
    from notifications.services import deliver, due_ids

    for pk in due_ids():
        deliver(notification_id=pk)
    return [text for address, text in inbox if address == phone]


def _login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button:has-text('登录')")


def _logout(page) -> None:
    page.click(".user-nav button:has-text('退出')")
    page.wait_for_selector(".user-nav a:has-text('登录')")


@pytest.mark.django_db(transaction=True)
def test_a_stranger_joins_is_approved_sets_a_password_and_claims_a_first_order(
    live_server, page, sms_inbox, tuanjie_station, tuanjie, station_head, menu_item
):
    base = live_server.url
    order = order_in_state(Order.Status.OPEN, village=tuanjie, menu_item=menu_item)

    # The resident finds the way in on the home page and picks the village by search.
    page.goto(f"{base}/")
    page.click("main a:has-text('成为志愿者')")
    page.wait_for_url("**/join/")
    page.fill("#id_q", "团结")
    page.wait_for_selector("#id_village:not([disabled])")
    page.click("#picker-next")
    page.wait_for_selector("h1:has-text('成为志愿者') ~ p strong:has-text('团结村')")
    assert fits_width(page)

    page.fill("#id_name", "孙丽")
    page.fill("#id_phone", "137 1234 5678")
    page.check("label:has-text('文明宣讲') input")
    page.check("label:has-text('周末') input")
    page.check("#id_consent")
    _shot(page, "join-form.png")
    page.click("button:has-text('提交申请')")
    page.wait_for_selector("h1:has-text('申请已提交')")
    assert fits_width(page)
    application = VolunteerApplication.objects.get()
    assert application.status == VolunteerApplication.Status.PENDING

    # The station head sees it on the day's page and approves it in the queue.
    _login(page, base, station_head.username, f.PASSWORD)
    page.wait_for_url("**/station/today/")
    page.click("a:has-text('审核 1 份申请')")
    page.wait_for_selector("h1:has-text('志愿者申请')")
    assert page.locator(".application:has-text('孙丽')").is_visible()
    assert fits_width(page)
    _shot(page, "join-queue.png")
    page.click("button:has-text('通过 孙丽 的申请')")
    page.wait_for_selector(".message.success:has-text('已通过')")
    _logout(page)

    # The applicant's SMS: login name and a one-time link.
    (text,) = _texts_to(sms_inbox, APPLICANT_PHONE)
    assert f"登录名：{APPLICANT_PHONE}" in text
    link = re.search(r"https?://\S+/accounts/reset/\S+/", text).group(0)
    page.goto(link)
    page.wait_for_selector("h1:has-text('设置密码')")
    assert page.locator(f"main strong:has-text('{APPLICANT_PHONE}')").is_visible()
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("main button:has-text('设置密码')")
    page.wait_for_selector("h1:has-text('密码已设置')")
    assert fits_width(page)
    _shot(page, "join-password-set.png")

    # Log in: the volunteer's dashboard, with the village's open order to claim.
    page.click("main a:has-text('去登录')")
    page.wait_for_url("**/accounts/login/")
    page.fill("#id_username", APPLICANT_PHONE)
    page.fill("#id_password", NEW_PASSWORD)
    page.click("main button:has-text('登录')")
    page.wait_for_url("**/volunteer/")
    card = page.locator(f"li:has(form[action='/volunteer/orders/{order.pk}/claim/'])")
    card.locator("button:has-text('接单')").click()
    page.wait_for_selector(".message.success:has-text('接单成功')")
    assert fits_width(page)
    volunteer = Volunteer.objects.get(phone=APPLICANT_PHONE)
    order.refresh_from_db()
    assert order.status == Order.Status.ACCEPTED and order.accepted_by == volunteer
    assert volunteer.teams.filter(village=tuanjie).exists()

    # The link was for one use.
    page.goto(link)
    page.wait_for_selector("text=这个链接已经用过或已过期")


@pytest.mark.django_db(transaction=True)
def test_a_volunteer_resets_a_forgotten_password_by_sms_code(
    live_server, page, sms_inbox, volunteer
):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.click("main a:has-text('忘记密码')")
    page.wait_for_selector("h1:has-text('找回密码')")
    page.fill("#id_phone", "139 0000 1111")
    page.click("button:has-text('获取验证码')")
    page.wait_for_selector("#code-sent:has-text('139****1111')")
    assert fits_width(page)
    _shot(page, "password-sms.png")

    (text,) = _texts_to(sms_inbox, volunteer.phone)
    code = re.search(r"验证码是 (\d{6})", text).group(1)
    page.fill("#id_code", code)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("button:has-text('设置新密码')")
    page.wait_for_selector("h1:has-text('密码已设置')")
    assert page.locator("main strong:has-text('v-tuanjie')").is_visible()

    _login(page, base, "v-tuanjie", NEW_PASSWORD)
    page.wait_for_url("**/volunteer/")
    volunteer.user.refresh_from_db()
    assert volunteer.user.check_password(NEW_PASSWORD)

"""Retention beyond orders and check-ins (issue 13): the wish wall's names and phones, and the
account id an Open311 partner sent with an order, are erased WENMING_RETENTION_DAYS after the
wish was settled / the order closed, and kept before; the rows stay, a second run changes
nothing, a dry run only counts."""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from open311 import services as open311_services
from open311.models import PartnerOrder
from privacy import services as privacy_services
from privacy import tasks
from privacy.models import PersonalDataAction
from tests.orders.factories import area_admin
from tests.privacy.conftest import LONG_AGO, NOW, RECENT, S
from wishes import services as wish_services
from wishes.models import Wish

W = Wish.Status


@pytest.fixture
def make_wish(tuanjie, lecture_category, station_head, volunteer):
    """A wish of 团结村 taken to ``status`` through the services, every step at ``when``."""

    def make(status, *, when, phone="13812341234"):
        with time_machine.travel(when, tick=False):
            wish = wish_services.wish_submit(
                village=tuanjie,
                category=lecture_category,
                description="想请人教老人用智能手机",
                phone=phone,
                name="李大娘",
            )
            if status == W.REJECTED:
                return wish_services.wish_reject(
                    wish_id=wish.pk, actor=station_head, reason="已转村委会"
                )
            if status == W.CONVERTED:
                wish_services.wish_to_suggestion(
                    wish_id=wish.pk, actor=station_head, title="智能手机辅导"
                )
                return Wish.objects.get(pk=wish.pk)
            if status == W.SUBMITTED:
                return wish
            wish_services.wish_approve(wish_id=wish.pk, actor=station_head)
            if status == W.OPEN:
                return Wish.objects.get(pk=wish.pk)
            wish_services.wish_claim(wish_id=wish.pk, actor=volunteer.user)
            if status == W.CLAIMED:
                return Wish.objects.get(pk=wish.pk)
            return wish_services.wish_fulfil(wish_id=wish.pk, actor=volunteer.user, note="已教会")

    return make


def contact(wish: Wish) -> tuple[str, str]:
    wish.refresh_from_db()
    return wish.name, wish.phone


def test_settled_wishes_lose_their_contact_after_the_period_and_keep_it_before(make_wish, now):
    erased = [
        make_wish(W.FULFILLED, when=LONG_AGO, phone="13900000001"),
        make_wish(W.REJECTED, when=LONG_AGO, phone="13900000002"),
        make_wish(W.CONVERTED, when=LONG_AGO, phone="13900000003"),
    ]
    kept = [
        make_wish(W.FULFILLED, when=RECENT, phone="13900000004"),  # settled within the period
        make_wish(W.OPEN, when=LONG_AGO, phone="13900000005"),  # still on the wall
        make_wish(W.CLAIMED, when=LONG_AGO, phone="13900000006"),  # a volunteer may still call
        make_wish(W.SUBMITTED, when=LONG_AGO, phone="13900000007"),  # not reviewed yet
    ]
    out = StringIO()
    call_command("anonymise", "--dry-run", stdout=out)
    assert "3 个心愿" in out.getvalue()
    assert all(contact(w)[1] for w in erased)  # a dry run changes nothing

    done = tasks.anonymise_expired()
    assert done["wishes"] == 3
    for wish in erased:
        assert contact(wish) == ("", "")
        assert wish.anonymised_at == NOW
        assert wish.status in (W.FULFILLED, W.REJECTED, W.CONVERTED)  # the wish itself stays
        assert wish.description and wish.status_changes.exists()
    for wish in kept:
        assert contact(wish) == ("李大娘", wish.phone) and wish.phone
        assert wish.anonymised_at is None
    log = PersonalDataAction.objects.get()
    assert (log.kind, log.wishes, log.orders) == ("retention", 3, 0)
    # Running again erases nothing and logs nothing.
    assert tasks.anonymise_expired()["wishes"] == 0
    assert PersonalDataAction.objects.count() == 1


def test_the_period_counts_from_when_the_wish_was_fulfilled(make_wish, settings, now):
    """Posted long ago but fulfilled recently: the clock starts at the fulfilment."""
    wish = make_wish(W.CLAIMED, when=LONG_AGO)
    with time_machine.travel(RECENT, tick=False):
        wish_services.wish_fulfil(wish_id=wish.pk, actor=wish.claimed_by.user, note="已教会")
    assert tasks.anonymise_expired()["wishes"] == 0
    settings.WENMING_RETENTION_DAYS = 299  # RECENT is 300 days ago
    assert tasks.anonymise_expired()["wishes"] == 1
    assert contact(wish) == ("", "")


@pytest.fixture
def partner_order(tuanjie_station, tuanjie, menu_item, volunteer):
    """An order a 12345 hotline placed (with the caller's account id), taken to ``status``."""
    from orders import services as order_services

    partner, _key = open311_services.partner_create(name="12345 热线")
    admin = area_admin()

    def make(status, *, when, phone, account_id="wx-openid-caller"):
        with time_machine.travel(when, tick=False):
            order = open311_services.request_submit(
                partner=partner,
                village=tuanjie,
                menu_item=menu_item,
                name="王大爷",
                phone=phone,
                account_id=account_id,
            )
            if order.status == S.SUBMITTED:
                order_services.order_approve(order_id=order.pk, actor=admin)
            if status == S.OPEN:
                return order
            order_services.order_claim(order_id=order.pk, actor=volunteer.user)
            order_services.order_complete(
                order_id=order.pk, actor=volunteer.user, hours="1.0", note="已上门"
            )
        return order

    return make


def account(order) -> str:
    return PartnerOrder.objects.get(order=order).account_id


def test_a_partners_account_id_goes_with_the_orders_contact(partner_order, now):
    old_done = partner_order(S.COMPLETED, when=LONG_AGO, phone="13700000001")
    recent_done = partner_order(S.COMPLETED, when=RECENT, phone="13700000002")
    old_open = partner_order(S.OPEN, when=LONG_AGO, phone="13700000003")
    done = tasks.anonymise_expired()
    assert (done["orders"], done["partner_accounts"]) == (1, 1)
    assert account(old_done) == ""
    assert account(recent_done) == "wx-openid-caller"
    assert account(old_open) == "wx-openid-caller"  # still in progress: the partner follows it
    # The partner still sees its order (the link stays), without who called.
    assert PartnerOrder.objects.filter(order=old_done).exists()
    assert tasks.anonymise_expired()["partner_accounts"] == 0


def test_a_residents_erasure_request_takes_the_account_id_too(partner_order, station_head, now):
    order = partner_order(S.OPEN, when=RECENT, phone="13700000009")
    privacy_services.resident_erase(actor=station_head, phone="13700000009")
    assert account(order) == ""


def test_the_station_sees_that_the_contact_was_erased(client, make_wish, station_head, now):
    wish = make_wish(W.FULFILLED, when=LONG_AGO)
    tasks.anonymise_expired()
    client.force_login(station_head)
    html = client.get(f"/wishes/{wish.pk}/").content.decode()
    assert "已匿名化（个人信息已删除）" in html and 'href="tel:' not in html


def test_a_residents_request_exports_and_erases_their_wishes_in_the_area(
    client, make_wish, station_head, other_town_admin, now
):
    """Wishes are the resident's data like orders: exported on request, and erased on request
    even while on the wall (the public text stays, who posted it goes)."""
    mine = [
        make_wish(W.OPEN, when=RECENT, phone="13700000010"),
        make_wish(W.FULFILLED, when=RECENT, phone="13700000010"),
    ]
    someone_else = make_wish(W.OPEN, when=RECENT, phone="13700000011")
    # Outside the area: nothing found, nothing erased.
    assert (
        privacy_services.resident_erase(actor=other_town_admin, phone="13700000010")["wishes"] == 0
    )
    assert all(contact(w)[1] for w in mine)

    client.force_login(station_head)
    exported = client.post(
        "/privacy/resident/", {"phone": "137 0000 0010", "action": "export_json"}
    ).json()
    assert [w["description"] for w in exported["wishes"]] == ["想请人教老人用智能手机"] * 2
    assert {w["phone"] for w in exported["wishes"]} == {"13700000010"}

    page = client.post(
        "/privacy/resident/",
        {"phone": "13700000010", "action": "erase", "confirm": "on"},
        follow=True,
    ).content.decode()
    assert "2 个心愿中的姓名和手机号" in page
    for wish in mine:
        assert contact(wish) == ("", "")
        assert wish.status in (W.OPEN, W.FULFILLED) and wish.description
    assert contact(someone_else) == ("李大娘", "13700000011")
    log = PersonalDataAction.objects.filter(kind="erase").latest("pk")
    assert log.wishes == 2

"""The station's page for a resident's data request: export (CSV, JSON) and erase, by phone,
within the caller's area only, each logged; every rejection through the URL."""

import csv
import io
import json

import pytest

from events.models import CheckIn
from orders.models import Order
from privacy.models import PersonalDataAction
from tests import factories as f
from tests.privacy.conftest import PHONE, RECENT, S

URL = "/privacy/resident/"


@pytest.fixture
def records(make_order, make_checkin, other_village, now):
    """The resident's order and check-in in 团结村, and one with the same phone in another town."""
    mine = make_order(S.COMPLETED, when=RECENT)
    checkin = make_checkin(when=RECENT)
    elsewhere = make_order(S.OPEN, when=RECENT, village=other_village)
    other_phone = make_order(S.OPEN, when=RECENT, phone="13900000009")
    return mine, checkin, elsewhere, other_phone


@pytest.fixture
def head(client, station_head, now):
    client.force_login(station_head)
    return client


def test_anonymous_goes_to_login_and_non_admins_get_404(client, volunteer_user, db):
    assert client.get(URL).status_code == 302
    client.force_login(volunteer_user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"phone": PHONE, "action": "export_csv"}).status_code == 404
    assert not PersonalDataAction.objects.exists()


def test_page_for_the_station_head(head):
    response = head.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "群众个人信息申请" in body and 'name="phone"' in body
    assert head.put(URL).status_code == 405


def test_page_in_english(head):
    body = head.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Residents' data requests" in body


def test_export_csv_holds_the_area_records_and_is_logged(head, records, station_head):
    mine, checkin, elsewhere, other_phone = records
    response = head.post(URL, {"phone": "138 1234 1234", "action": "export_csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="resident-data-')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "类型" and len(rows) == 3
    assert rows[1][1] == mine.number and rows[1][6:8] == ["李大娘", PHONE]
    assert rows[2][1] == checkin.event.title
    assert elsewhere.number not in text and other_phone.number not in text
    log = PersonalDataAction.objects.get()
    assert (log.kind, log.actor, log.phone_masked, log.orders, log.checkins) == (
        "export",
        station_head,
        "138****1234",
        1,
        1,
    )


def test_export_json(head, records):
    mine, checkin, *_ = records
    response = head.post(URL, {"phone": PHONE, "action": "export_json"})
    data = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert [o["number"] for o in data["orders"]] == [mine.number]
    assert data["orders"][0]["phone"] == PHONE
    assert [c["event"] for c in data["checkins"]] == [checkin.event.title]


def test_town_admin_exports_their_town_and_other_towns_see_nothing(
    client, records, town_admin, other_town_admin
):
    mine, checkin, elsewhere, _ = records
    client.force_login(other_town_admin)
    data = json.loads(client.post(URL, {"phone": PHONE, "action": "export_json"}).content)
    assert [o["number"] for o in data["orders"]] == [elsewhere.number] and not data["checkins"]
    client.force_login(town_admin)
    data = json.loads(client.post(URL, {"phone": PHONE, "action": "export_json"}).content)
    assert [o["number"] for o in data["orders"]] == [mine.number]


def test_erase_needs_confirmation(head, records):
    response = head.post(URL, {"phone": PHONE, "action": "erase"})
    assert response.status_code == 400
    assert "删除前请勾选确认" in response.content.decode()
    assert Order.objects.filter(phone=PHONE).count() == 2
    assert not PersonalDataAction.objects.exists()


def test_erase_anonymises_the_area_records_only_and_is_logged(head, records, station_head):
    mine, checkin, elsewhere, other_phone = records
    response = head.post(URL, {"phone": PHONE, "action": "erase", "confirm": "on"}, follow=True)
    assert (
        "已删除（匿名化）1 个点单、1 条签到、0 份志愿者申请、0 个心愿中的姓名和手机号"
        in response.content.decode()
    )
    mine.refresh_from_db()
    checkin.refresh_from_db()
    elsewhere.refresh_from_db()
    other_phone.refresh_from_db()
    assert (mine.name, mine.phone, mine.status) == ("", "", S.COMPLETED) and mine.anonymised_at
    assert (checkin.name, checkin.phone) == ("", "") and checkin.anonymised_at
    assert elsewhere.phone == PHONE and other_phone.phone == "13900000009"
    assert CheckIn.objects.count() == 1
    log = PersonalDataAction.objects.get()
    assert (log.kind, log.actor, log.phone_masked, log.records) == (
        "erase",
        station_head,
        "138****1234",
        2,
    )
    # the log on the page shows the masked phone only
    body = head.get(URL).content.decode()
    assert "138****1234" in body and PHONE not in body


def test_bad_phone_is_a_form_error_and_not_logged(head, db):
    response = head.post(URL, {"phone": "12345", "action": "export_csv"})
    assert response.status_code == 400
    assert "11位" in response.content.decode()
    assert not PersonalDataAction.objects.exists()


def test_nav_link_for_admins_only(client, station_head, volunteer_user):
    client.force_login(station_head)
    assert URL in client.get("/").content.decode()
    client.force_login(volunteer_user)
    assert URL not in client.get("/").content.decode()


def test_export_query_count_does_not_grow_with_records(
    head, make_order, make_checkin, now, django_assert_max_num_queries
):
    for _ in range(5):
        make_order(S.CANCELLED, when=RECENT)
    for _ in range(3):
        make_checkin(when=RECENT)
    with django_assert_max_num_queries(12):
        response = head.post(URL, {"phone": PHONE, "action": "export_json"})
    assert len(json.loads(response.content)["orders"]) == 5


def test_unknown_phone_exports_an_empty_file_and_is_logged(head, db):
    data = json.loads(head.post(URL, {"phone": "13700000000", "action": "export_json"}).content)
    assert data["orders"] == [] and data["checkins"] == []
    assert PersonalDataAction.objects.get().records == 0


def test_volunteer_user_factory_has_no_area(db):
    assert f.UserFactory()  # sanity: plain users are not admins


def test_an_erased_order_says_so_on_the_station_pages(head, records):
    mine = records[0]
    head.post(URL, {"phone": PHONE, "action": "erase", "confirm": "on"})
    detail = head.get(f"/station/orders/{mine.pk}/").content.decode()
    assert "已匿名化（个人信息已删除）" in detail and 'href="tel:"' not in detail
    assert "已匿名化（个人信息已删除）" in head.get("/station/orders/").content.decode()
    english = head.get(f"/station/orders/{mine.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anonymised (personal data erased)" in english

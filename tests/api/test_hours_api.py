"""The hours API (issue 11): service records, certificates, the points ledger and balance,
rewards and redemptions; each scoped like the pages, paginated, with pinned query counts."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests import factories as f
from volunteers import certificates, points, records
from volunteers.models import Certificate, Redemption, Reward

pytestmark = pytest.mark.django_db


def record(volunteer, *, day=3, hours="2.0", village=None, source_id=None):
    rec, _ = records.record_create(
        volunteer=volunteer,
        hours=hours,
        service_date=dt.date(2026, 11, day),
        content="文明宣讲",
        source_kind="event",
        source_id=source_id,
        village=village or volunteer.home_village,
    )
    return rec


def confirmed(volunteer, actor, **kwargs):
    rec = record(volunteer, **kwargs)
    records.record_confirm(record_id=rec.pk, actor=actor)
    return rec


# --- service records -----------------------------------------------------------------------


def test_records_are_scoped(as_user, volunteer, far_volunteer, station_head, other_town_admin):
    mine = record(volunteer)
    elsewhere = record(far_volunteer)
    assert [
        r["id"] for r in as_user(volunteer.user).get("/api/service-records/").json()["results"]
    ] == [mine.pk]
    assert [
        r["id"] for r in as_user(station_head).get("/api/service-records/").json()["results"]
    ] == [mine.pk]
    assert [
        r["id"] for r in as_user(other_town_admin).get("/api/service-records/").json()["results"]
    ] == [elsewhere.pk]
    assert as_user(other_town_admin).get(f"/api/service-records/{mine.pk}/").status_code == 404
    assert as_user(volunteer.user).get(f"/api/service-records/{elsewhere.pk}/").status_code == 404


def test_record_detail_has_the_audit_trail(as_user, volunteer, station_head):
    station_head.first_name = "王站长"
    station_head.save()
    rec = confirmed(volunteer, station_head)
    body = as_user(volunteer.user).get(f"/api/service-records/{rec.pk}/").json()
    assert body["status"] == "confirmed" and body["confirmed_by"] == "王站长"
    assert [c["action"] for c in body["changes"]] == ["create", "confirm"]
    assert body["changes"][1]["actor"] == "王站长"


def test_confirm_through_the_api(as_user, volunteer, station_head, other_town_admin):
    rec = record(volunteer, hours="2.0")
    url = f"/api/service-records/{rec.pk}/confirm/"
    own = as_user(volunteer.user).post(url, {}, format="json")
    assert own.status_code == 403 and "自己" in own.json()["detail"]
    assert as_user(other_town_admin).post(url, {}, format="json").status_code == 404
    head = as_user(station_head)
    assert head.get(url).status_code == 405
    bad = head.post(url, {"hours": "25"}, format="json")
    assert bad.status_code == 400 and "hours" in bad.json()["fields"]
    done = head.post(url, {"hours": "1.5"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    assert head.post(url, {}, format="json").status_code == 200  # twice: a no-op
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("1.5")
    assert points.balance(volunteer.pk) == 15


def test_revoke_then_confirm_is_409(as_user, volunteer, station_head):
    rec = confirmed(volunteer, station_head)
    head = as_user(station_head)
    url = f"/api/service-records/{rec.pk}/revoke/"
    missing = head.post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    assert head.post(url, {"reason": "代刷时长"}, format="json").json()["status"] == "revoked"
    again = head.post(f"/api/service-records/{rec.pk}/confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 0


def test_overdue_filter(as_user, volunteer, station_head):
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        old = record(volunteer, day=1, source_id=1)
    record(volunteer, day=2, source_id=2)
    head = as_user(station_head)
    found = head.get("/api/service-records/", {"overdue": "true"}).json()["results"]
    assert [r["id"] for r in found] == [old.pk]
    rest = head.get("/api/service-records/", {"overdue": "false"}).json()["results"]
    assert old.pk not in [r["id"] for r in rest] and len(rest) == 1
    assert head.get("/api/service-records/", {"overdue": ""}).status_code == 400


def test_record_list_query_count_is_constant(
    as_user, station_head, tuanjie, django_assert_max_num_queries
):
    people = [f.VolunteerFactory(home_village=tuanjie) for _ in range(12)]
    for i, person in enumerate(people):
        confirmed(person, station_head, source_id=i + 1)
    head = as_user(station_head)
    head.get("/api/service-records/")  # warm the token's last-use write
    with django_assert_max_num_queries(6):
        body = head.get("/api/service-records/").json()
    assert body["count"] == 12


# --- certificates ---------------------------------------------------------------------------


def test_certificates(as_user, volunteer, station_head, other_town_admin, far_volunteer):
    confirmed(volunteer, station_head)
    period = {"period_start": "2026-01-01", "period_end": "2026-12-31"}
    own = as_user(volunteer.user)
    issued = own.post("/api/certificates/", {"volunteer": volunteer.pk, **period}, format="json")
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["hours"] == "2.0" and body["number"].startswith("WMZ")
    assert body["verify_url"].endswith(f"/certificates/{body['code']}/")
    # Someone else's volunteer: a 404 that says no more than "not yours", naming the field.
    other = own.post("/api/certificates/", {"volunteer": far_volunteer.pk, **period}, format="json")
    assert other.status_code == 404 and "volunteer" in other.json()["fields"]
    empty = own.post(
        "/api/certificates/",
        {"volunteer": volunteer.pk, "period_start": "2025-01-01", "period_end": "2025-12-31"},
        format="json",
    )
    assert empty.status_code == 400 and "没有已确认" in empty.json()["detail"]
    odd = own.post(
        "/api/certificates/",
        {"volunteer": volunteer.pk, "period_start": "1999-01-01", "period_end": "2026-12-31"},
        format="json",
    )
    assert odd.status_code == 400 and "period_start" in odd.json()["fields"]
    assert as_user(other_town_admin).get("/api/certificates/").json()["count"] == 0
    url = f"/api/certificates/{body['id']}/revoke/"
    assert own.post(url, {"reason": "x"}, format="json").status_code == 404
    assert as_user(other_town_admin).post(url, {"reason": "x"}, format="json").status_code == 404
    revoked = as_user(station_head).post(url, {"reason": "记录有误"}, format="json")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert Certificate.objects.get().revoke_reason == "记录有误"


def test_certificate_list_query_count(
    as_user, station_head, tuanjie, django_assert_max_num_queries
):
    for i in range(8):
        person = f.VolunteerFactory(home_village=tuanjie)
        confirmed(person, station_head, source_id=i + 1)
        certificates.certificate_issue(
            volunteer_id=person.pk,
            actor=station_head,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
    head = as_user(station_head)
    head.get("/api/certificates/")
    with django_assert_max_num_queries(6):
        assert head.get("/api/certificates/").json()["count"] == 8


# --- points ---------------------------------------------------------------------------------


def test_points_ledger_and_balance(
    as_user, volunteer, station_head, shop, far_volunteer, other_town_admin
):
    rec = confirmed(volunteer, station_head)  # 20
    points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=volunteer.pk)  # -15
    own = as_user(volunteer.user)
    ledger = own.get("/api/points/").json()
    assert [(e["kind"], e["points"]) for e in ledger["results"]] == [("redeem", -15), ("earn", 20)]
    assert ledger["results"][0]["reward"] == {"id": shop.pk, "name": "洗衣粉"}
    balance = own.get("/api/points/balance/").json()
    assert balance == {
        "volunteer": {"id": volunteer.pk, "name": "张明"},
        "balance": 5,
        "earned": 20,
        "redeemed": 15,
        "reversed": 0,
        "in_debt": False,
    }
    head = as_user(station_head)
    assert head.get("/api/points/balance/", {"volunteer": volunteer.pk}).json()["balance"] == 5
    assert head.get("/api/points/balance/", {"volunteer": far_volunteer.pk}).status_code == 404
    assert head.get("/api/points/balance/").status_code == 404  # a head without a volunteer row
    assert head.get("/api/points/balance/", {"volunteer": "x"}).status_code == 400
    # A number below 1 is refused as bad input, and the schema says so (schemathesis found it).
    assert head.get("/api/points/balance/", {"volunteer": -154}).status_code == 400
    assert as_user(other_town_admin).get("/api/points/").json()["count"] == 0
    # A reversal after the redemption: recorded in full, the balance is owed.
    records.record_revoke(record_id=rec.pk, actor=station_head, reason="代刷")
    owed = own.get("/api/points/balance/").json()
    assert owed["balance"] == -15 and owed["in_debt"] and owed["reversed"] == 20


def test_points_list_query_count(
    as_user, station_head, tuanjie, shop, django_assert_max_num_queries
):
    Reward.objects.filter(pk=shop.pk).update(stock=100)
    for i in range(10):
        person = f.VolunteerFactory(home_village=tuanjie)
        confirmed(person, station_head, source_id=i + 1)
        points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=person.pk)
    head = as_user(station_head)
    head.get("/api/points/")
    with django_assert_max_num_queries(6):
        assert head.get("/api/points/").json()["count"] == 20


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/certificates/", {"period_start": "2026-01-01", "period_end": "2026-12-31"}),
        ("redeem", {}),
        ("/api/rewards/", {"name": "毛巾", "points": 1, "stock": 1}),
    ],
)
def test_ids_in_bodies_read_as_everywhere(as_user, station_head, shop, url, body):
    """An id that is not a whole number is a 400 saying so, one that matches nothing a 404
    naming the field: as on the other endpoints (core.fields.IdField)."""
    url = f"/api/rewards/{shop.pk}/redeem/" if url == "redeem" else url
    field = "position" if url == "/api/rewards/" else "volunteer"
    head = as_user(station_head)
    bad = head.post(url, {**body, field: "1"}, format="json")
    assert bad.status_code == 400 and bad.json()["fields"][field] == ["应为不小于 1 的整数编号。"]
    unknown = head.post(url, {**body, field: 999999}, format="json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert list(unknown.json()["fields"]) == [field]


# --- rewards and redemptions ----------------------------------------------------------------


def test_rewards_catalogue(
    as_user, volunteer, station_head, tuanjie_station, other_village, other_town_admin
):
    head = as_user(station_head)
    made = head.post(
        "/api/rewards/",
        {"position": tuanjie_station.pk, "name": "毛巾", "points": 20, "stock": 3},
        format="json",
    )
    assert made.status_code == 201 and made.json()["position"]["id"] == tuanjie_station.pk
    reward_id = made.json()["id"]
    duplicate = head.post(
        "/api/rewards/",
        {"position": tuanjie_station.pk, "name": "毛巾", "points": 5, "stock": 1},
        format="json",
    )
    assert duplicate.status_code == 400 and "name" in duplicate.json()["fields"]
    elsewhere = f.StationFactory(village=other_village)
    foreign = head.post(
        "/api/rewards/",
        {"position": elsewhere.pk, "name": "x", "points": 1, "stock": 1},
        format="json",
    )
    assert foreign.status_code == 404 and "position" in foreign.json()["fields"]
    bad = head.post(
        "/api/rewards/",
        {"position": tuanjie_station.pk, "name": "y", "points": 0, "stock": -1},
        format="json",
    )
    assert set(bad.json()["fields"]) == {"points", "stock"}
    off = head.patch(f"/api/rewards/{reward_id}/", {"is_active": False}, format="json")
    assert off.status_code == 200 and off.json()["is_active"] is False and off.json()["stock"] == 3
    assert head.put(f"/api/rewards/{reward_id}/", {}, format="json").status_code == 405
    # The volunteer sees only what is on the shelf at their station, and cannot change it.
    own = as_user(volunteer.user)
    assert own.get("/api/rewards/").json()["count"] == 0
    head.patch(f"/api/rewards/{reward_id}/", {"is_active": True}, format="json")
    assert own.get("/api/rewards/").json()["count"] == 1
    assert own.patch(f"/api/rewards/{reward_id}/", {"stock": 99}, format="json").status_code == 404
    assert as_user(other_town_admin).get(f"/api/rewards/{reward_id}/").status_code == 404


def test_redeem_through_the_api(as_user, volunteer, station_head, shop, other_village):
    confirmed(volunteer, station_head, hours="2.0")  # 20
    head = as_user(station_head)
    url = f"/api/rewards/{shop.pk}/redeem/"
    done = head.post(url, {"volunteer": volunteer.pk}, format="json")
    assert done.status_code == 201
    assert done.json()["balance_after"] == 5 and done.json()["points"] == 15
    short = head.post(url, {"volunteer": volunteer.pk}, format="json")
    assert short.status_code == 409 and "积分不足" in short.json()["detail"]
    unknown = head.post(url, {"volunteer": 999999}, format="json")
    assert unknown.status_code == 404 and "volunteer" in unknown.json()["fields"]
    assert (
        as_user(volunteer.user).post(url, {"volunteer": volunteer.pk}, format="json").status_code
        == 404
    )
    elsewhere = Reward.objects.create(
        position=f.StationFactory(village=other_village), name="毛巾", points=1, stock=5
    )
    assert (
        head.post(
            f"/api/rewards/{elsewhere.pk}/redeem/", {"volunteer": volunteer.pk}, format="json"
        ).status_code
        == 404
    )
    shop.refresh_from_db()
    assert shop.stock == 1 and Redemption.objects.count() == 1
    # Listed and read back, the redemption has the schema's every field: balance_after is null
    # (only the redeem answer knows it), never missing (schemathesis found it missing).
    listed = head.get("/api/redemptions/").json()["results"]
    assert [r["balance_after"] for r in listed] == [None]
    one = head.get(f"/api/redemptions/{listed[0]['id']}/").json()
    assert "balance_after" in one and one["balance_after"] is None
    history = head.get("/api/redemptions/").json()
    assert history["count"] == 1 and history["results"][0]["volunteer"]["id"] == volunteer.pk
    assert as_user(volunteer.user).get("/api/redemptions/").json()["count"] == 1


def test_redemption_list_query_count(
    as_user, station_head, tuanjie, shop, django_assert_max_num_queries
):
    Reward.objects.filter(pk=shop.pk).update(stock=100)
    for i in range(10):
        person = f.VolunteerFactory(home_village=tuanjie)
        confirmed(person, station_head, source_id=i + 1)
        points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=person.pk)
    head = as_user(station_head)
    head.get("/api/redemptions/")
    with django_assert_max_num_queries(6):
        assert head.get("/api/redemptions/").json()["count"] == 10
    with django_assert_max_num_queries(6):
        assert head.get("/api/rewards/").json()["count"] == 1


def test_anonymous_is_401(api):
    for url in (
        "/api/service-records/",
        "/api/certificates/",
        "/api/points/",
        "/api/rewards/",
        "/api/redemptions/",
    ):
        assert api.get(url).status_code == 401


def test_balance_documents_its_bad_input_answer(client):
    schema = client.get("/api/schema/?format=json").json()
    responses = schema["paths"]["/api/points/balance/"]["get"]["responses"]
    assert {"200", "400", "404"} <= set(responses)

"""Volunteer applications (成为志愿者) under the retention rules (issue 16): a decided
application loses the applicant's name, phone and note WENMING_RETENTION_DAYS after the
decision, a pending one keeps them; a resident's erasure request takes their decided
applications in the area and leaves a pending one (privacy never decides it), saying so."""

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from joining import services as joining_services
from privacy import services as privacy_services
from privacy import tasks
from privacy.models import PersonalDataAction
from tests.privacy.conftest import LONG_AGO, NOW, RECENT
from volunteers.models import Volunteer, VolunteerApplication

A = VolunteerApplication.Status
URL = "/privacy/resident/"


@pytest.fixture
def make_application(tuanjie, station_head):
    """An application from 团结村 taken to ``status`` by the station head, every step at
    ``when`` (through joining.services, the only writer)."""

    def make(status, *, when, phone):
        with time_machine.travel(when, tick=False):
            application = joining_services.application_submit(
                name="孙丽", phone=phone, village=tuanjie, note="周末有空", consent=True
            )
            if status == A.APPROVED:
                joining_services.application_approve(application_id=application.pk, by=station_head)
            elif status == A.DECLINED:
                joining_services.application_decline(
                    application_id=application.pk, by=station_head, reason="本村队伍已满"
                )
        application.refresh_from_db()
        return application

    return make


def contact(application: VolunteerApplication) -> tuple[str, str, str]:
    application.refresh_from_db()
    return application.name, application.phone, application.note


def test_decided_applications_lose_their_contact_after_the_period_and_keep_it_before(
    make_application, now
):
    approved = make_application(A.APPROVED, when=LONG_AGO, phone="13600000001")
    declined = make_application(A.DECLINED, when=LONG_AGO, phone="13600000002")
    kept = [
        make_application(A.DECLINED, when=RECENT, phone="13600000003"),  # within the period
        make_application(A.PENDING, when=LONG_AGO, phone="13600000004"),  # someone will call
    ]
    out = StringIO()
    call_command("anonymise", "--dry-run", stdout=out)
    assert "2 份志愿者申请" in out.getvalue()
    assert contact(approved)[1]  # a dry run changes nothing

    out = StringIO()
    call_command("anonymise", stdout=out)
    assert "已匿名化 0 个点单、0 条签到、0 个心愿、2 份志愿者申请" in out.getvalue()
    for application in (approved, declined):
        assert contact(application) == ("", "", "")
        assert application.anonymised_at == NOW
        assert application.status in (A.APPROVED, A.DECLINED)  # the decision stays
        assert application.changes.exists()
    assert declined.reason == "本村队伍已满"  # the decider's words stay
    # The approved applicant is a volunteer: that record is not touched.
    volunteer = Volunteer.objects.get(pk=approved.volunteer_id)
    assert (volunteer.name, volunteer.phone) == ("孙丽", "13600000001")
    for application in kept:
        assert contact(application) == ("孙丽", application.phone, "周末有空")
        assert application.phone and application.anonymised_at is None
    log = PersonalDataAction.objects.get()
    assert (log.kind, log.applications, log.orders, log.wishes) == ("retention", 2, 0, 0)
    # Running again erases nothing and logs nothing.
    assert tasks.anonymise_expired()["applications"] == 0
    assert PersonalDataAction.objects.count() == 1


def test_the_period_counts_from_the_decision(make_application, station_head, settings, now):
    """Applied long ago, declined recently: the clock starts at the decision."""
    application = make_application(A.PENDING, when=LONG_AGO, phone="13600000005")
    with time_machine.travel(RECENT, tick=False):
        joining_services.application_decline(
            application_id=application.pk, by=station_head, reason="暂不需要"
        )
    assert tasks.anonymise_expired()["applications"] == 0
    settings.WENMING_RETENTION_DAYS = 299  # RECENT is 300 days ago
    assert tasks.anonymise_expired()["applications"] == 1
    assert contact(application) == ("", "", "")


def test_an_erasure_request_takes_decided_applications_and_leaves_a_pending_one(
    client, make_application, make_order, station_head, now
):
    from tests.privacy.conftest import S

    phone = "13600000006"
    declined = make_application(A.DECLINED, when=RECENT, phone=phone)
    pending = make_application(A.PENDING, when=RECENT, phone=phone)
    order = make_order(S.COMPLETED, when=RECENT, phone=phone)
    client.force_login(station_head)

    data = json.loads(client.post(URL, {"phone": phone, "action": "export_json"}).content)
    assert [a["status"] for a in data["volunteer_applications"]] == ["未通过", "待审核"]
    assert data["volunteer_applications"][0]["note"] == "周末有空"
    assert (
        "志愿者申请" in client.post(URL, {"phone": phone, "action": "export_csv"}).content.decode()
    )

    response = client.post(URL, {"phone": phone, "action": "erase", "confirm": "on"}, follow=True)
    body = response.content.decode()
    assert "已删除（匿名化）1 个点单、0 条签到、1 份志愿者申请、0 个心愿中的姓名和手机号。" in body
    assert "1 份待审核的志愿者申请未删除" in body
    assert contact(declined) == ("", "", "") and declined.anonymised_at == NOW
    assert declined.reason == "本村队伍已满"
    assert contact(pending) == ("孙丽", phone, "周末有空")  # privacy never decides it
    assert pending.status == A.PENDING and pending.anonymised_at is None
    order.refresh_from_db()
    assert order.phone == ""
    log = PersonalDataAction.objects.filter(kind="erase").get()
    assert (log.orders, log.applications, log.records) == (1, 1, 2)

    # Once decided, a second request takes it too.
    joining_services.application_decline(
        application_id=pending.pk, by=station_head, reason="申请人撤回"
    )
    done = privacy_services.resident_erase(actor=station_head, phone=phone)
    assert (done["applications"], done["pending_applications"]) == (1, 0)
    assert contact(pending) == ("", "", "")


def test_the_erase_result_in_english(client, make_application, station_head, now):
    make_application(A.PENDING, when=RECENT, phone="13600000007")
    client.force_login(station_head)
    response = client.post(
        URL,
        {"phone": "13600000007", "action": "erase", "confirm": "on"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "1 volunteer application still pending was not erased" in response.content.decode()


def test_another_areas_applications_are_neither_exported_nor_erased(
    make_application, other_town_admin, now
):
    application = make_application(A.DECLINED, when=RECENT, phone="13600000008")
    records = privacy_services.resident_records(actor=other_town_admin, phone="13600000008")
    assert records.applications == []
    done = privacy_services.resident_erase(actor=other_town_admin, phone="13600000008")
    assert (done["applications"], done["pending_applications"]) == (0, 0)
    assert contact(application)[1] == "13600000008"


def test_the_queue_and_the_admin_show_an_erased_application(
    client, make_application, station_head, superuser, now
):
    application = make_application(A.DECLINED, when=LONG_AGO, phone="13600000009")
    tasks.anonymise_expired()
    client.force_login(station_head)
    queue = client.get("/station/volunteers/applications/")
    assert queue.status_code == 200
    assert "已匿名化（个人信息已删除）" in queue.content.decode()
    client.force_login(superuser)
    admin_list = client.get("/admin/volunteers/volunteerapplication/").content.decode()
    assert "已匿名化（个人信息已删除）" in admin_list
    page = client.get(f"/admin/volunteers/volunteerapplication/{application.pk}/change/")
    assert page.status_code == 200 and "本村队伍已满" in page.content.decode()

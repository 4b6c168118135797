"""成为志愿者 through the services: submit, approve (once, race-safe), decline, duplicates."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from core.errors import InvalidInput, InvalidTransition, NotInScope
from joining import services
from notifications.kinds import Kind
from notifications.models import Notification
from orders.models import VolunteerSkill
from tests import factories as f
from tests.joining.conftest import APPLICANT_PHONE
from volunteers.models import (
    Membership,
    Team,
    Volunteer,
    VolunteerApplication,
    VolunteerApplicationChange,
)

S = VolunteerApplication.Status


def test_submit_normalises_the_phone_and_waits(applicant, tuanjie):
    assert applicant.phone == APPLICANT_PHONE
    assert applicant.status == S.PENDING
    assert applicant.town_id == tuanjie.town_id
    assert applicant.consent_at is not None


def test_a_second_application_while_one_is_pending_is_refused(applicant, tuanjie):
    with pytest.raises(services.DuplicateApplication):
        services.application_submit(
            name="孙丽", phone="+86 137-1234-5678", village=tuanjie, consent=True
        )
    assert VolunteerApplication.objects.count() == 1


def test_bad_input_names_each_field(tuanjie):
    with pytest.raises(InvalidInput) as exc:
        services.application_submit(
            name=" ",
            phone="12345",
            village=tuanjie,
            skill_ids=[999999],
            availability=["midnight"],
            consent=False,
        )
    assert set(exc.value.fields) == {"name", "phone", "consent", "skills", "availability"}
    assert not VolunteerApplication.objects.exists()


def test_an_active_volunteer_is_told_to_log_in(volunteer, tuanjie):
    with pytest.raises(services.AlreadyVolunteer):
        services.application_submit(
            name="张明", phone=volunteer.phone, village=tuanjie, consent=True
        )


def test_approve_makes_the_volunteer_login_team_and_skills(
    applicant, station_head, lecture_category, tuanjie
):
    team = f.TeamFactory(name="团结村志愿服务队", village=tuanjie)
    volunteer = services.application_approve(application_id=applicant.pk, by=station_head)
    applicant.refresh_from_db()
    assert applicant.status == S.APPROVED
    assert applicant.decided_by == station_head and applicant.decided_at is not None
    assert applicant.volunteer == volunteer
    assert volunteer.home_village == tuanjie and volunteer.phone == APPLICANT_PHONE
    assert Membership.objects.filter(volunteer=volunteer, team=team).exists()
    assert list(
        VolunteerSkill.objects.filter(volunteer=volunteer).values_list("category", flat=True)
    ) == [lecture_category.pk]
    user = volunteer.user
    assert user.username == APPLICANT_PHONE and not user.has_usable_password()
    change = VolunteerApplicationChange.objects.get(application=applicant)
    assert (change.from_status, change.to_status) == ("pending", "approved")
    assert change.actor == station_head
    sms = Notification.objects.get(kind=Kind.VOLUNTEER_APPROVED)
    assert sms.address == APPLICANT_PHONE
    assert sms.payload["url"].startswith("/accounts/reset/")
    assert sms.payload["username"] == APPLICANT_PHONE


def test_approve_makes_a_village_team_when_there_is_none(applicant, station_head, tuanjie):
    volunteer = services.application_approve(application_id=applicant.pk, by=station_head)
    team = Team.objects.get(kind=Team.Kind.VILLAGE_TEAM, village=tuanjie)
    assert team.name == "团结村志愿服务队"
    assert volunteer.teams.get() == team


def test_approving_twice_makes_one_volunteer(applicant, station_head, town_admin):
    services.application_approve(application_id=applicant.pk, by=station_head)
    with pytest.raises(InvalidTransition):
        services.application_approve(application_id=applicant.pk, by=town_admin)
    assert Volunteer.objects.filter(phone=APPLICANT_PHONE).count() == 1
    assert VolunteerApplicationChange.objects.count() == 1


def test_a_taken_username_gets_a_suffix(applicant, station_head):
    f.UserFactory(username=APPLICANT_PHONE)
    volunteer = services.application_approve(application_id=applicant.pk, by=station_head)
    assert volunteer.user.username == f"{APPLICANT_PHONE}-2"


def test_outside_the_area_is_not_found(applicant, other_town_admin, volunteer_user):
    for outsider in (other_town_admin, volunteer_user):
        with pytest.raises(NotInScope):
            services.application_approve(application_id=applicant.pk, by=outsider)
        with pytest.raises(NotInScope):
            services.application_decline(application_id=applicant.pk, by=outsider, reason="不")
    applicant.refresh_from_db()
    assert applicant.status == S.PENDING


def test_decline_needs_a_reason_and_tells_the_applicant(applicant, station_head):
    with pytest.raises(InvalidInput):
        services.application_decline(application_id=applicant.pk, by=station_head, reason="  ")
    services.application_decline(
        application_id=applicant.pk, by=station_head, reason="本村志愿者已满"
    )
    applicant.refresh_from_db()
    assert (applicant.status, applicant.reason) == (S.DECLINED, "本村志愿者已满")
    assert VolunteerApplicationChange.objects.get().reason == "本村志愿者已满"
    sms = Notification.objects.get(kind=Kind.VOLUNTEER_DECLINED)
    assert "本村志愿者已满" in sms.body
    with pytest.raises(InvalidTransition):
        services.application_approve(application_id=applicant.pk, by=station_head)
    assert not get_user_model().objects.filter(username=APPLICANT_PHONE).exists()


def test_after_a_decision_the_phone_may_apply_again(applicant, station_head, tuanjie):
    services.application_decline(application_id=applicant.pk, by=station_head, reason="信息不全")
    again = services.application_submit(
        name="孙丽", phone=APPLICANT_PHONE, village=tuanjie, consent=True
    )
    assert again.status == S.PENDING


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so it cannot show a race",
)


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_heads_approving_at_once_make_one_volunteer(
    tuanjie, station_head, town_admin, city_admin, lecture_category
):
    application = services.application_submit(
        name="孙丽", phone=APPLICANT_PHONE, village=tuanjie, consent=True
    )
    deciders = [station_head, town_admin, city_admin]
    barrier = threading.Barrier(len(deciders))
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(user):
        try:
            barrier.wait(timeout=30)
            try:
                services.application_approve(application_id=application.pk, by=user)
                result = "won"
            except InvalidTransition:
                result = "lost"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in deciders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["lost", "lost", "won"]
    assert Volunteer.objects.filter(phone=APPLICANT_PHONE).count() == 1
    assert get_user_model().objects.filter(username__startswith=APPLICANT_PHONE).count() == 1
    assert VolunteerApplicationChange.objects.count() == 1
    assert Notification.objects.filter(kind=Kind.VOLUNTEER_APPROVED).count() == 1


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one_application(tuanjie):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit():
        try:
            barrier.wait(timeout=30)
            try:
                services.application_submit(
                    name="孙丽", phone=APPLICANT_PHONE, village=tuanjie, consent=True
                )
                result = "created"
            except services.DuplicateApplication:
                result = "duplicate"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["created", "duplicate"]
    assert VolunteerApplication.objects.count() == 1


def test_the_set_password_link_leaves_the_outbox_once_sent(applicant, station_head, settings):
    from notifications.services import deliver_cause

    settings.WENMING_SMS_QUIET_HOURS = ""
    services.application_approve(application_id=applicant.pk, by=station_head)
    sms = Notification.objects.get(kind=Kind.VOLUNTEER_APPROVED)
    assert "/accounts/reset/" in sms.body and "孙丽" in sms.body
    assert deliver_cause(cause=sms.cause) == 1
    sms.refresh_from_db()
    assert sms.state == Notification.State.SENT and sms.payload["url"] == ""


def test_demo_step_leaves_applications_for_the_station_head(tuanjie, lecture_category):
    import datetime as dt
    import random

    from joining import demo
    from portal.seeding import SeedContext

    ctx = SeedContext(
        rng=random.Random(2021), scale=1, now=dt.datetime.now(dt.UTC), stdout=None, quiet=True
    )
    demo.seed(ctx)
    pending = VolunteerApplication.objects.filter(village=tuanjie, status=S.PENDING)
    assert pending.count() == demo.PENDING
    assert all(a.skill_ids == [lecture_category.pk] for a in pending)


def test_the_station_head_is_told_of_a_new_application(station_head, tuanjie):
    application = services.application_submit(
        name="孙丽", phone=APPLICANT_PHONE, village=tuanjie, consent=True
    )
    told = Notification.objects.filter(kind=Kind.VOLUNTEER_APPLIED)
    assert {n.recipient for n in told} == {station_head}
    inbox = told.get(channel="inbox")
    assert inbox.title == "团结村 有新的志愿者申请"
    assert "孙丽" in inbox.body and "/station/volunteers/applications/" in inbox.body
    assert application.pk


def test_without_a_station_head_the_town_admin_is_told(town_admin, neighbour_village):
    services.application_submit(
        name="孙丽", phone=APPLICANT_PHONE, village=neighbour_village, consent=True
    )
    told = Notification.objects.filter(kind=Kind.VOLUNTEER_APPLIED)
    assert {n.recipient for n in told} == {town_admin}

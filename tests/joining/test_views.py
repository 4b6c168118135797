"""The joining pages through the URL: 成为志愿者, the area's queue, password reset (SMS, e-mail)."""

import re

from django.contrib.auth import get_user_model
from django.core import mail

from joining import services
from notifications.kinds import Kind
from notifications.models import Notification
from stations.models import Village
from tests import factories as f
from tests.joining.conftest import APPLICANT_PHONE
from volunteers.models import Volunteer, VolunteerApplication

S = VolunteerApplication.Status
JOIN = "/join/"
QUEUE = "/station/volunteers/applications/"
SMS = "/accounts/password/sms/"


def form_data(village, **extra):
    return {
        "village": village.pk,
        "name": "孙丽",
        "phone": "137 1234 5678",
        "availability": ["weekend", "weekday_evening"],
        "consent": "on",
        **extra,
    }


# --- 成为志愿者 ---------------------------------------------------------------------------------


def test_home_and_login_lead_here(client, db):
    assert 'href="/join/"' in client.get("/").content.decode()
    login = client.get("/accounts/login/").content.decode()
    assert f'href="{SMS}"' in login and "忘记密码" in login


def test_first_the_village_then_the_form(client, tuanjie, lecture_category):
    page = client.get(JOIN, {"q": "团结"}).content.decode()
    assert "团结村" in page and 'id="village-picker"' in page
    page = client.get(JOIN, {"village": tuanjie.pk}).content.decode()
    assert "文明宣讲" in page and "志愿服务记录与证明出具办法（试行）" in page


def test_the_picker_is_the_order_forms(client, hongxu, tuanjie, neighbour_village):
    """One picker (stations.picker): the same cap, and "下一步" takes a single match here."""
    response = client.get(JOIN, {"q": "团结", "village": "", "step": "next"})
    assert response.status_code == 302 and response["Location"] == f"{JOIN}?village={tuanjie.pk}"
    Village.objects.bulk_create(Village(town=hongxu, name=f"新村{n:03d}") for n in range(200))
    page = client.get(JOIN, {"town": hongxu.pk}).content.decode()
    assert "只显示前 200 个，请输入更完整的村名缩小搜索" in page
    assert client.get(JOIN, {"town": "x", "step": "next"}).status_code == 200


def test_posting_without_a_village_says_so(client, db):
    response = client.post(JOIN, {"name": "孙丽"}, follow=True)
    assert "请先选择村（社区）" in response.content.decode()
    assert not VolunteerApplication.objects.exists()


def test_an_application_is_sent(client, tuanjie, lecture_category):
    response = client.post(JOIN, form_data(tuanjie, skills=[lecture_category.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "申请已提交" in page and "团结村" in page
    application = VolunteerApplication.objects.get()
    assert application.phone == APPLICANT_PHONE
    assert application.skill_ids == [lecture_category.pk]
    assert sorted(application.availability) == ["weekday_evening", "weekend"]


def test_bad_input_is_a_clear_message_and_nothing_is_saved(client, tuanjie):
    response = client.post(JOIN, form_data(tuanjie, phone="12345", consent="", name=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请输入11位中国大陆手机号" in page
    assert "请阅读并同意志愿服务记录的规定" in page
    assert "提交没有成功" in page
    assert not VolunteerApplication.objects.exists()


def test_unknown_skill_is_refused(client, tuanjie):
    response = client.post(JOIN, form_data(tuanjie, skills=["999999"]))
    assert response.status_code == 400
    assert not VolunteerApplication.objects.exists()


def test_a_second_pending_application_is_refused_with_a_message(client, applicant, tuanjie):
    response = client.post(JOIN, form_data(tuanjie))
    assert response.status_code == 409
    assert "正在等待审核" in response.content.decode()
    assert VolunteerApplication.objects.count() == 1


def test_applications_are_rate_limited_per_address(client, settings, tuanjie):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "volunteer_apply_ip": "2/hour",
        },
    }
    for phone in ("13700000001", "13700000002"):
        assert client.post(JOIN, form_data(tuanjie, phone=phone)).status_code == 302
    response = client.post(JOIN, form_data(tuanjie, phone="13700000003"))
    assert response.status_code == 429 and "Retry-After" in response
    assert "操作太频繁" in response.content.decode()
    assert VolunteerApplication.objects.count() == 2


def test_join_page_refuses_other_methods(client, db):
    assert client.put(JOIN).status_code == 405


# --- the queue ----------------------------------------------------------------------------------


def test_queue_needs_an_area(client, applicant, volunteer_user):
    assert client.get(QUEUE).status_code == 302  # to the login page
    client.force_login(volunteer_user)
    assert client.get(QUEUE).status_code == 404


def test_queue_lists_the_areas_applications_only(
    client, applicant, station_head, other_village, django_assert_max_num_queries
):
    for i in range(8):
        services.application_submit(
            name=f"外村{i}", phone=f"1360000000{i}", village=other_village, consent=True
        )
    for i in range(8):
        services.application_submit(
            name=f"本村{i}", phone=f"1350000000{i}", village=applicant.village, consent=True
        )
    client.force_login(station_head)
    with django_assert_max_num_queries(12):
        page = client.get(QUEUE).content.decode()
    assert "孙丽" in page and "本村7" in page and "外村" not in page


def test_station_today_shows_the_waiting_applications(client, applicant, station_head):
    client.force_login(station_head)
    page = client.get("/station/today/").content.decode()
    assert "志愿者申请" in page and "孙丽" in page and f'href="{QUEUE}"' in page


def test_head_approves_from_the_queue(client, applicant, station_head):
    client.force_login(station_head)
    response = client.post(f"{QUEUE}{applicant.pk}/approve/", follow=True)
    assert "已通过" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == S.APPROVED
    # A second press (another tab): a message, still one volunteer.
    response = client.post(f"{QUEUE}{applicant.pk}/approve/", follow=True)
    assert "已经处理过了" in response.content.decode()
    assert Volunteer.objects.filter(phone=APPLICANT_PHONE).count() == 1


def test_deciding_outside_the_area_is_not_found(client, applicant, other_town_admin):
    client.force_login(other_town_admin)
    assert client.post(f"{QUEUE}{applicant.pk}/approve/").status_code == 404
    assert client.post(f"{QUEUE}{applicant.pk}/decline/", {"reason": "x"}).status_code == 404
    assert client.post(f"{QUEUE}999999/approve/").status_code == 404
    applicant.refresh_from_db()
    assert applicant.status == S.PENDING


def test_decisions_are_posts(client, applicant, station_head):
    client.force_login(station_head)
    assert client.get(f"{QUEUE}{applicant.pk}/approve/").status_code == 405
    assert client.get(f"{QUEUE}{applicant.pk}/decline/").status_code == 405


def test_decline_needs_a_reason(client, applicant, station_head):
    client.force_login(station_head)
    response = client.post(f"{QUEUE}{applicant.pk}/decline/", {"reason": " "}, follow=True)
    assert "请填写未通过的原因" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == S.PENDING
    client.post(f"{QUEUE}{applicant.pk}/decline/", {"reason": "请先参加一次活动"})
    applicant.refresh_from_db()
    assert (applicant.status, applicant.reason) == (S.DECLINED, "请先参加一次活动")


# --- the set-password link, password reset by SMS and by e-mail ---------------------------------


def test_the_approval_link_sets_the_password_once(client, applicant, station_head):
    volunteer = services.application_approve(application_id=applicant.pk, by=station_head)
    url = Notification.objects.get(kind=Kind.VOLUNTEER_APPROVED).payload["url"]
    response = client.get(url)
    assert response.status_code == 302  # Django moves the token out of the address
    form_url = response["Location"]
    page = client.get(form_url).content.decode()
    assert APPLICANT_PHONE in page and "设置密码" in page
    response = client.post(
        form_url, {"new_password1": "wenming-2026!", "new_password2": "wenming-2026!"}
    )
    assert response.status_code == 302
    assert "密码已设置" in client.get(response["Location"]).content.decode()
    volunteer.user.refresh_from_db()
    assert volunteer.user.check_password("wenming-2026!")
    # Used once: the link is dead now.
    page = client.get(url, follow=True).content.decode()
    assert "已经用过或已过期" in page
    assert client.login(username=APPLICANT_PHONE, password="wenming-2026!")
    assert client.get("/home/")["Location"] == "/volunteer/"


def last_code() -> str:
    return Notification.objects.filter(kind=Kind.PHONE_CODE).order_by("-id").first().payload["code"]


NEW_PASSWORD = "new-pass-2026"  # noqa: S105


def reset(client, code, phone="13900001111", password=NEW_PASSWORD):
    return client.post(
        SMS,
        {
            "action": "reset",
            "phone": phone,
            "code": code,
            "new_password1": password,
            "new_password2": password,
        },
    )


def test_sms_reset_sets_a_new_password(client, volunteer):
    response = client.post(SMS, {"action": "send", "phone": "139-0000-1111"})
    assert "139****1111" in response.content.decode()
    response = reset(client, last_code())
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "密码已设置" in page and "v-tuanjie" in page
    assert client.login(username="v-tuanjie", password="new-pass-2026")


def test_sms_reset_for_a_station_head_by_the_stations_phone(client, station_head, tuanjie_station):
    tuanjie_station.head_phone = "13600001234"
    tuanjie_station.save()
    client.post(SMS, {"action": "send", "phone": "13600001234"})
    assert reset(client, last_code(), phone="13600001234").status_code == 302
    station_head.refresh_from_db()
    assert station_head.check_password("new-pass-2026")


def strip(html: str) -> str:
    return re.sub(r'csrfmiddlewaretoken" value="[^"]+|1[3-9]\d\*{4}\d{4}|value="[^"]*"', "", html)


def test_the_page_never_says_whether_a_phone_has_a_login(client, volunteer):
    known = client.post(SMS, {"action": "send", "phone": "13900001111"}).content.decode()
    unknown = client.post(SMS, {"action": "send", "phone": "13700009999"}).content.decode()
    assert strip(known) == strip(unknown)
    assert Notification.objects.filter(kind=Kind.PHONE_CODE).count() == 1  # none paid for
    response = reset(client, "123456", phone="13700009999")
    assert response.status_code == 400 and "验证码错误或已过期" in response.content.decode()


def test_a_wrong_code_or_weak_password_changes_nothing(client, volunteer):
    client.post(SMS, {"action": "send", "phone": "13900001111"})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    assert reset(client, wrong).status_code == 400
    response = reset(client, code, password="12345678")
    assert response.status_code == 400 and "两次" not in response.content.decode()
    volunteer.user.refresh_from_db()
    assert volunteer.user.check_password(f.PASSWORD)
    assert reset(client, code).status_code == 302  # the code survived the refusals above
    assert reset(client, code, password="another-2026").status_code == 400  # one use


def test_sms_codes_are_limited_per_phone(client, settings, volunteer):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "phone_code_phone": "2/hour",
        },
    }
    for _ in range(2):
        assert client.post(SMS, {"action": "send", "phone": "13900001111"}).status_code == 200
    response = client.post(SMS, {"action": "send", "phone": "13900001111"})
    assert response.status_code == 429
    assert Notification.objects.filter(kind=Kind.PHONE_CODE).count() == 2


def test_sms_codes_are_limited_per_address(client, settings, volunteer):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "phone_code_ip": "2/hour",
        },
    }
    client.post(SMS, {"action": "send", "phone": "13900001111"})
    client.post(SMS, {"action": "send", "phone": "13700000001"})
    assert client.post(SMS, {"action": "send", "phone": "13700000002"}).status_code == 429


def test_email_reset_sends_a_one_time_link(client, volunteer_user):
    volunteer_user.email = "zhangming@example.com"
    volunteer_user.save()
    response = client.post("/accounts/password/reset/", {"email": "zhangming@example.com"})
    assert response.status_code == 302
    assert "请查收邮件" in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    assert "设置新密码" in message.subject
    url = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_url = client.get(url)["Location"]
    client.post(form_url, {"new_password1": "mail-pass-2026", "new_password2": "mail-pass-2026"})
    volunteer_user.refresh_from_db()
    assert volunteer_user.check_password("mail-pass-2026")
    # An unknown address reads the same and sends nothing.
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_set_password_links_are_masked_in_logs():
    from config.logs import redact

    line = "GET /accounts/reset/MTI/cb4x8k-3f5e2a9d0c1b7e6f4a2d8c9b0e1f3a5d/ 302"
    assert "cb4x8k" not in redact(line) and "[token]" in redact(line)


def test_no_login_for_an_application_before_approval(applicant):
    assert not get_user_model().objects.filter(username=APPLICANT_PHONE).exists()


def test_next_with_one_match_goes_on_and_with_none_says_so(client, tuanjie, hongxu):
    response = client.get(JOIN, {"q": "团结", "step": "next"})
    assert response.status_code == 302 and response["Location"] == f"{JOIN}?village={tuanjie.pk}"
    response = client.get(JOIN, {"q": "没有这个村", "step": "next"})
    assert "请先选择村（社区）" in response.content.decode()


def test_skills_are_named_in_english_for_english_readers(client, tuanjie, lecture_category):
    lecture_category.name_en = "Civility lectures"
    lecture_category.save()
    page = client.get(JOIN, {"village": tuanjie.pk}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Civility lectures" in page and "Become a volunteer" in page


def test_a_reset_lifts_the_lockout_on_the_login_name(client, settings, volunteer):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "v-tuanjie", "password": "wrong"})
    assert (
        client.post(
            "/accounts/login/", {"username": "v-tuanjie", "password": f.PASSWORD}
        ).status_code
        == 429
    )
    client.post(SMS, {"action": "send", "phone": "13900001111"})
    assert reset(client, last_code()).status_code == 302
    response = client.post("/accounts/login/", {"username": "v-tuanjie", "password": NEW_PASSWORD})
    assert response.status_code == 302

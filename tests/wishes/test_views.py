"""The wish wall through its pages: posting, what the public sees, moderation, claim, fulfil,
conversion, and every refusal."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import VillageMonthCategory
from wishes import services
from wishes.models import DESCRIPTION_MAX, MenuSuggestion, Wish

S = Wish.Status


def post_wish(client, village, category, **overrides):
    data = {
        "village": village.pk,
        "category": category.pk,
        "description": "想请人帮忙修好村口的路灯",
        "phone": "138 1234 1234",
        "name": "王大爷",
    } | overrides
    return client.post(reverse("wishes:new"), data)


def test_resident_posts_a_wish_that_waits_for_review(client, tuanjie, lecture_category):
    response = post_wish(client, tuanjie, lecture_category)
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert (wish.status, wish.phone, wish.village) == (S.SUBMITTED, "13812341234", tuanjie)
    # Not on the public wall before the station head approves it.
    assert "路灯" not in client.get(reverse("wishes:wall")).content.decode()
    assert client.get(reverse("wishes:detail", args=[wish.pk])).status_code == 404


def test_the_form_opens_with_the_village_chosen_and_a_picker_without(client, tuanjie, hongxu):
    html = client.get(reverse("wishes:new"), {"village": tuanjie.pk}).content.decode()
    assert "团结村" in html and 'name="description"' in html
    html = client.get(reverse("wishes:new"), {"town": hongxu.pk}).content.decode()
    assert f"?village={tuanjie.pk}" in html


def test_a_phone_in_the_text_is_refused_with_a_clear_message(client, tuanjie, lecture_category):
    response = post_wish(client, tuanjie, lecture_category, description="有事打 13912345678")
    assert response.status_code == 200
    assert "请不要在其中填写电话号码" in response.content.decode()
    assert not Wish.objects.exists()


def test_a_too_long_wish_is_refused_and_kept_in_the_form(client, tuanjie, lecture_category):
    text = "很" * (DESCRIPTION_MAX + 5)
    response = post_wish(client, tuanjie, lecture_category, description=text)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"最多 {DESCRIPTION_MAX} 字" in html and text in html
    assert not Wish.objects.exists()


def test_the_english_message_for_a_phone_in_the_text(client, tuanjie, lecture_category):
    response = client.post(
        reverse("wishes:new"),
        {
            "village": tuanjie.pk,
            "category": lecture_category.pk,
            "description": "call 13912345678",
            "phone": "13812341234",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "phone number" in response.content.decode()


def test_posting_is_rate_limited_per_address(client, tuanjie, lecture_category, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"wish_submit_ip": "2/hour"}
    }
    for n in range(2):
        assert (
            post_wish(client, tuanjie, lecture_category, description=f"心愿{n}").status_code == 302
        )
    response = post_wish(client, tuanjie, lecture_category, description="第三个")
    assert response.status_code == 429 and response["Retry-After"]
    assert Wish.objects.count() == 2


def test_public_wall_never_shows_the_phone_or_name(client, open_wish):
    html = client.get(reverse("wishes:wall")).content.decode()
    assert open_wish.description in html
    assert "13812341234" not in html and "138****1234" not in html and "李大娘" not in html
    html = client.get(reverse("wishes:detail", args=[open_wish.pk])).content.decode()
    assert open_wish.description in html and "13812341234" not in html and "李大娘" not in html


def test_rejected_wishes_stay_off_the_wall(client, wish, station_head):
    services.wish_reject(wish_id=wish.pk, actor=station_head, reason="重复")
    assert wish.description not in client.get(reverse("wishes:wall")).content.decode()
    assert client.get(reverse("wishes:detail", args=[wish.pk])).status_code == 404


def test_head_moderates_from_the_queue(client, wish, station_head):
    client.force_login(station_head)
    html = client.get(reverse("wishes:moderation")).content.decode()
    assert wish.description in html and "138****1234" in html
    response = client.post(reverse("wishes:action", args=[wish.pk, "approve"]))
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.status == S.OPEN
    client.logout()
    assert wish.description in client.get(reverse("wishes:wall")).content.decode()


def test_reject_without_a_reason_is_a_message_not_a_change(client, wish, station_head):
    client.force_login(station_head)
    response = client.post(
        reverse("wishes:action", args=[wish.pk, "reject"]), {"reason": ""}, follow=True
    )
    assert "请填写未通过原因" in response.content.decode()
    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED


def test_other_town_admin_gets_404(client, wish, other_town_admin):
    client.force_login(other_town_admin)
    assert client.post(reverse("wishes:action", args=[wish.pk, "approve"])).status_code == 404
    assert wish.description not in client.get(reverse("wishes:moderation")).content.decode()
    assert client.get(reverse("wishes:detail", args=[wish.pk])).status_code == 404


def test_moderation_needs_an_area(client, volunteer):
    assert client.get(reverse("wishes:moderation")).status_code == 302  # login first
    client.force_login(volunteer.user)
    assert client.get(reverse("wishes:moderation")).status_code == 404


def test_steps_are_post_only_and_unknown_steps_404(client, open_wish, station_head):
    client.force_login(station_head)
    assert client.get(reverse("wishes:action", args=[open_wish.pk, "approve"])).status_code == 405
    assert client.post(reverse("wishes:action", args=[open_wish.pk, "explode"])).status_code == 404


def test_volunteer_claims_from_the_wall_and_sees_the_phone(client, open_wish, volunteer):
    client.force_login(volunteer.user)
    html = client.get(reverse("wishes:wall")).content.decode()
    assert reverse("wishes:action", args=[open_wish.pk, "claim"]) in html
    client.post(reverse("wishes:action", args=[open_wish.pk, "claim"]))
    open_wish.refresh_from_db()
    assert open_wish.claimed_by == volunteer
    html = client.get(reverse("wishes:detail", args=[open_wish.pk])).content.decode()
    assert "13812341234" in html
    client.post(reverse("wishes:action", args=[open_wish.pk, "fulfil"]), {"note": "已教会"})
    open_wish.refresh_from_db()
    assert open_wish.status == S.FULFILLED


def test_another_towns_volunteer_has_no_claim_button_and_cannot_claim(
    client, open_wish, far_volunteer
):
    client.force_login(far_volunteer.user)
    html = client.get(reverse("wishes:wall")).content.decode()
    assert reverse("wishes:action", args=[open_wish.pk, "claim"]) not in html
    assert client.post(reverse("wishes:action", args=[open_wish.pk, "claim"])).status_code == 404
    open_wish.refresh_from_db()
    assert open_wish.status == S.OPEN


def test_a_claim_that_lost_the_race_says_so(client, open_wish, volunteer, town_volunteer):
    services.wish_claim(wish_id=open_wish.pk, actor=town_volunteer.user)
    client.force_login(volunteer.user)
    response = client.post(reverse("wishes:action", args=[open_wish.pk, "claim"]), follow=True)
    assert "不能执行此操作" in response.content.decode()
    open_wish.refresh_from_db()
    assert open_wish.claimed_by == town_volunteer


def test_head_turns_a_wish_into_an_event_from_the_page(client, open_wish, station_head):
    client.force_login(station_head)
    start = (timezone.localtime() + dt.timedelta(days=5)).replace(hour=9, minute=0)
    response = client.post(
        reverse("wishes:action", args=[open_wish.pk, "to-event"]),
        {
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    open_wish.refresh_from_db()
    assert open_wish.status == S.CONVERTED
    assert response["Location"] == reverse("events:event_detail", args=[open_wish.event_id])


def test_an_event_date_out_of_range_is_refused(client, open_wish, station_head):
    client.force_login(station_head)
    response = client.post(
        reverse("wishes:action", args=[open_wish.pk, "to-event"]),
        {"start": "2199-01-01T09:00", "end": "2199-01-01T10:00"},
        follow=True,
    )
    assert "2000" in response.content.decode()
    open_wish.refresh_from_db()
    assert open_wish.status == S.OPEN


def test_head_suggests_a_menu_item_from_the_page(client, open_wish, station_head):
    client.force_login(station_head)
    client.post(
        reverse("wishes:action", args=[open_wish.pk, "to-suggestion"]), {"title": "智能手机课"}
    )
    assert MenuSuggestion.objects.get().title == "智能手机课"


def test_wall_query_count_is_constant(
    client, tuanjie, lecture_category, station_head, django_assert_max_num_queries
):
    for n in range(25):
        wish = services.wish_submit(
            village=tuanjie, category=lecture_category, description=f"心愿{n}", phone="13812341234"
        )
        services.wish_approve(wish_id=wish.pk, actor=station_head)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("wishes:wall"))
    assert response.content.decode().count("data-wish-id") == 25


def test_a_fulfilled_wish_counts_in_the_villages_coverage(
    open_wish, volunteer, lecture_category, town_admin, client
):
    from reports import tasks as report_tasks

    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    services.wish_fulfil(wish_id=open_wish.pk, actor=volunteer.user, note="已办好")
    report_tasks.refresh_pending.apply()  # the queued refresh, as a worker runs it
    row = VillageMonthCategory.objects.get(village=open_wish.village, category=lecture_category)
    assert (row.wishes_fulfilled, row.services) == (1, 1)
    client.force_login(town_admin)
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(reverse("reports:coverage"), {"month": month})
    assert response.status_code == 200
    assert response.context["data"].totals.served == 1


def test_rebuilding_the_rollups_keeps_fulfilled_wishes(open_wish, volunteer, lecture_category):
    from reports import services as report_services

    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    services.wish_fulfil(wish_id=open_wish.pk, actor=volunteer.user, note="已办好")
    VillageMonthCategory.objects.all().delete()
    report_services.rebuild()
    assert VillageMonthCategory.objects.get(village=open_wish.village).services == 1


@pytest.mark.parametrize(
    "path", ["/wishes/?town=abc", "/wishes/?village=99999999999", "/wishes/new/?village=x"]
)
def test_odd_query_values_are_not_errors(client, db, path):
    assert client.get(path).status_code == 200

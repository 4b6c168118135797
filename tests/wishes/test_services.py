"""The wish wall's rules: what a resident may post, moderation, the race-safe claim, fulfilment
and conversion, with an audit row for each step."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import InvalidInput, InvalidTransition, NotInScope, PermissionDenied
from events.models import Event
from tests import factories as f
from wishes import services
from wishes.models import DESCRIPTION_MAX, MenuSuggestion, Wish, WishStatusChange

S = Wish.Status


def test_a_submitted_wish_waits_for_review_with_an_audit_row(wish):
    assert wish.status == S.SUBMITTED
    assert wish.town_id == wish.village.town_id
    assert list(wish.status_changes.values_list("from_status", "to_status")) == [("", S.SUBMITTED)]


@pytest.mark.parametrize(
    "text",
    [
        "请打电话 138 1234 5678 联系我",
        "电话0632-5551234",
        "一三八一二三四五六七八",
        "１３８１２３４５６７８",
    ],
)
def test_a_phone_number_in_the_public_text_is_refused(tuanjie, lecture_category, text):
    with pytest.raises(InvalidInput) as exc:
        services.wish_submit(
            village=tuanjie, category=lecture_category, description=text, phone="13812341234"
        )
    assert "电话号码" in exc.value.fields["description"][0]
    assert not Wish.objects.exists()


def test_numbers_that_are_not_phones_are_fine(tuanjie, lecture_category):
    wish = services.wish_submit(
        village=tuanjie,
        category=lecture_category,
        description="家里3位老人，想在2026年春节前修好100米的路灯",
        phone="13812341234",
    )
    assert wish.pk


def test_a_wish_longer_than_the_limit_is_refused(tuanjie, lecture_category):
    with pytest.raises(InvalidInput) as exc:
        services.wish_submit(
            village=tuanjie,
            category=lecture_category,
            description="长" * (DESCRIPTION_MAX + 1),
            phone="13812341234",
        )
    assert str(DESCRIPTION_MAX) in exc.value.fields["description"][0]
    assert not Wish.objects.exists()


def test_an_empty_wish_or_bad_phone_is_refused(tuanjie, lecture_category):
    with pytest.raises(InvalidInput) as exc:
        services.wish_submit(
            village=tuanjie, category=lecture_category, description="  ", phone="123"
        )
    assert set(exc.value.fields) == {"description", "phone"}


def test_approve_opens_it_and_reject_needs_a_reason(wish, station_head):
    with pytest.raises(InvalidInput):
        services.wish_reject(wish_id=wish.pk, actor=station_head, reason=" ")
    wish = services.wish_approve(wish_id=wish.pk, actor=station_head)
    assert wish.status == S.OPEN and wish.approved_at
    with pytest.raises(InvalidTransition):
        services.wish_approve(wish_id=wish.pk, actor=station_head)
    change = wish.status_changes.last()
    assert (change.from_status, change.to_status, change.actor) == (
        S.SUBMITTED,
        S.OPEN,
        station_head,
    )


def test_reject_keeps_the_reason(wish, station_head):
    wish = services.wish_reject(wish_id=wish.pk, actor=station_head, reason="与实践站职能无关")
    assert wish.status == S.REJECTED and wish.reason == "与实践站职能无关"
    assert wish.status_changes.last().note == "与实践站职能无关"


def test_another_towns_admin_cannot_moderate(wish, other_town_admin, volunteer):
    with pytest.raises(NotInScope):
        services.wish_approve(wish_id=wish.pk, actor=other_town_admin)
    with pytest.raises(NotInScope):
        services.wish_approve(wish_id=wish.pk, actor=volunteer.user)
    assert Wish.objects.get().status == S.SUBMITTED


def test_a_volunteer_of_the_town_claims_then_fulfils(open_wish, volunteer):
    wish = services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    assert wish.status == S.CLAIMED and wish.claimed_by == volunteer
    wish = services.wish_fulfil(wish_id=wish.pk, actor=volunteer.user, note="已上门教会视频通话")
    assert wish.status == S.FULFILLED and wish.fulfilled_at
    assert list(wish.status_changes.values_list("to_status", flat=True)) == [
        S.SUBMITTED,
        S.OPEN,
        S.CLAIMED,
        S.FULFILLED,
    ]


def test_claim_refusals(wish, station_head, far_volunteer, inactive_volunteer, town_volunteer):
    with pytest.raises(NotInScope):  # not public yet
        services.wish_claim(wish_id=wish.pk, actor=town_volunteer.user)
    services.wish_approve(wish_id=wish.pk, actor=station_head)
    with pytest.raises(NotInScope):  # another town
        services.wish_claim(wish_id=wish.pk, actor=far_volunteer.user)
    with pytest.raises(PermissionDenied):  # off the register
        services.wish_claim(wish_id=wish.pk, actor=inactive_volunteer.user)
    with pytest.raises(PermissionDenied):  # not a volunteer
        services.wish_claim(wish_id=wish.pk, actor=station_head)
    services.wish_claim(wish_id=wish.pk, actor=town_volunteer.user)  # same town, no skill: fine
    with pytest.raises(InvalidTransition):
        services.wish_claim(wish_id=wish.pk, actor=town_volunteer.user)


def test_only_the_claimer_or_the_head_fulfils_or_releases(
    open_wish, volunteer, town_volunteer, station_head
):
    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    with pytest.raises(NotInScope):
        services.wish_fulfil(wish_id=open_wish.pk, actor=town_volunteer.user, note="x")
    wish = services.wish_release(wish_id=open_wish.pk, actor=volunteer.user, reason="这周出差")
    assert wish.status == S.OPEN and wish.claimed_by is None
    services.wish_claim(wish_id=open_wish.pk, actor=town_volunteer.user)
    wish = services.wish_fulfil(wish_id=open_wish.pk, actor=station_head, note="站长代为登记")
    assert wish.status == S.FULFILLED and wish.claimed_by == town_volunteer


def test_head_turns_a_wish_into_a_draft_event(open_wish, station_head, tuanjie_station):
    start = timezone.now() + dt.timedelta(days=3)
    event = services.wish_to_event(
        wish_id=open_wish.pk, actor=station_head, start=start, end=start + dt.timedelta(hours=2)
    )
    open_wish.refresh_from_db()
    assert open_wish.status == S.CONVERTED and open_wish.event == event
    assert event.state == Event.State.DRAFT
    assert event.village_id == open_wish.village_id and event.category_id == open_wish.category_id
    assert event.organiser_position == tuanjie_station


def test_head_turns_a_wish_into_a_menu_suggestion_for_the_town(wish, station_head, hongxu):
    suggestion = services.wish_to_suggestion(
        wish_id=wish.pk, actor=station_head, title="智能手机使用培训"
    )
    assert suggestion.town == hongxu and suggestion.title == "智能手机使用培训"
    assert Wish.objects.get().status == S.CONVERTED
    with pytest.raises(InvalidTransition):  # once
        services.wish_to_suggestion(wish_id=wish.pk, actor=station_head, title="again")
    assert MenuSuggestion.objects.count() == 1


def test_a_claimed_wish_cannot_be_converted(open_wish, volunteer, station_head):
    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    with pytest.raises(InvalidTransition):
        services.wish_to_suggestion(wish_id=open_wish.pk, actor=station_head, title="x")


def test_a_failed_conversion_leaves_nothing_half_written(open_wish, station_head):
    start = timezone.now()
    with pytest.raises(InvalidInput):  # ends before it starts
        services.wish_to_event(
            wish_id=open_wish.pk, actor=station_head, start=start, end=start - dt.timedelta(hours=1)
        )
    assert Wish.objects.get().status == S.OPEN
    assert not Event.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_claims_let_exactly_one_volunteer_through(
    tuanjie, neighbour_village, lecture_category, station_head
):
    if connection.vendor != "postgresql":
        pytest.skip("a race needs PostgreSQL's row locks")
    wish = services.wish_submit(
        village=tuanjie,
        category=lecture_category,
        description="修一下村口的长椅",
        phone="13812341234",
    )
    services.wish_approve(wish_id=wish.pk, actor=station_head)
    users = []
    for n in range(6):
        user = f.UserFactory(username=f"racer{n}")
        f.VolunteerFactory(name=f"志愿者{n}", home_village=neighbour_village, user=user)
        users.append(user)
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def claim(user):
        try:
            barrier.wait()
            services.wish_claim(wish_id=wish.pk, actor=user)
            outcomes.append("won")
        except InvalidTransition:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost"] * 5 + ["won"]
    assert WishStatusChange.objects.filter(to_status=S.CLAIMED).count() == 1
    wish.refresh_from_db()
    assert wish.status == S.CLAIMED

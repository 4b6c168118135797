"""An order nobody takes climbs the tiers on its clocks: the town detachment after
WENMING_ESCALATE_TOWN_HOURS, the city's matching characteristic detachment after
WENMING_ESCALATE_CITY_HOURS; each climb is a timeline row and reaches the tier's people."""

import datetime as dt

import pytest
import time_machine

from core.errors import InvalidInput, NotInScope
from notifications.kinds import Kind
from notifications.models import Notification
from orders import escalation, services
from orders.models import Order, OrderStatusChange, VolunteerSkill
from tests import factories as f
from tests.notifications.conftest import at
from tests.orders.factories import order_in_state, send_notices, submit_order
from volunteers.models import Team

S = Order.Status
T0 = at(2026, 11, 2, 9, 0)


@pytest.fixture
def squad_member(town_detachment, hongxu, neighbour_village, lecture_category):
    """A member of one of 洪绪镇's squads (under the town detachment), with the skill."""
    squad = f.TeamFactory(
        name="理论宣讲小队",
        kind=Team.Kind.SQUAD,
        village=None,
        town=hongxu,
        city=hongxu.city,
        parent=town_detachment,
    )
    vol = f.VolunteerFactory(
        name="孙丽", home_village=neighbour_village, user=f.UserFactory(username="v-squad")
    )
    f.MembershipFactory(team=squad, volunteer=vol)
    VolunteerSkill.objects.create(volunteer=vol, category=lecture_category)
    return vol


@pytest.fixture
def detachment(city, menu_item):
    """The characteristic detachment that offers the order's service (理论宣讲 platform)."""
    team = f.TeamFactory(
        name="理论宣讲志愿服务支队", kind=Team.Kind.DETACHMENT, village=None, town=None, city=city
    )
    menu_item.team = team
    menu_item.save()
    return team


@pytest.fixture
def detachment_member(detachment, far_volunteer):
    """A volunteer of another town (龙泉街道) in the matching detachment."""
    f.MembershipFactory(team=detachment, volunteer=far_volunteer)
    return far_volunteer


@pytest.fixture
def open_order(tuanjie_station, tuanjie, menu_item):
    with time_machine.travel(T0, tick=False):
        return order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)


def escalate(hours: float) -> dict:
    with time_machine.travel(T0 + dt.timedelta(hours=hours), tick=False):
        return escalation.orders_escalate_due()


def escalations(order):
    return list(
        OrderStatusChange.objects.filter(order=order, note_kind="escalated").values_list(
            "note_data__tier", flat=True
        )
    )


def told(user, kind):
    send_notices()  # the worker's drain after the commit
    return Notification.objects.filter(recipient=user, kind=kind, channel="inbox").count()


def test_nothing_climbs_before_the_town_clock(open_order, town_admin, town_detachment):
    assert escalate(23.9) == {"town": 0, "city": 0}
    open_order.refresh_from_db()
    assert open_order.tier == Order.Tier.VILLAGE and open_order.escalated_at is None
    assert escalations(open_order) == []
    assert told(town_admin, Kind.ORDER_ESCALATED) == 0


def test_after_24_hours_the_town_detachment_is_offered_it_and_the_town_admin_told(
    client, open_order, town_admin, town_detachment, squad_member, city_admin
):
    assert escalate(24) == {"town": 1, "city": 0}
    open_order.refresh_from_db()
    assert open_order.status == S.OPEN  # still waiting: only who is offered it changed
    assert open_order.tier == Order.Tier.TOWN
    assert open_order.escalated_team == town_detachment
    assert escalations(open_order) == ["town"]
    row = OrderStatusChange.objects.get(order=open_order, note_kind="escalated")
    assert (row.from_status, row.to_status, row.actor_kind) == (S.OPEN, S.OPEN, "system")
    assert row.note_display == "无人接单，已升级至镇街：洪绪镇志愿服务支队"

    assert told(town_admin, Kind.ORDER_ESCALATED) == 1
    message = Notification.objects.get(recipient=town_admin, kind=Kind.ORDER_ESCALATED)
    assert open_order.number in message.title and "镇街" in message.title
    assert "24 小时无人接单" in message.body and "洪绪镇志愿服务支队" in message.body
    assert told(squad_member.user, Kind.ORDER_OPEN) == 1
    assert told(city_admin, Kind.ORDER_ESCALATED) == 0  # not yet the city's

    # The timeline shows it, to staff and to the resident.
    client.force_login(town_admin)
    page = client.get(f"/station/orders/{open_order.pk}/")
    assert "无人接单，已升级至镇街：洪绪镇志愿服务支队" in page.content.decode()
    track = client.get(f"/orders/t/{open_order.tracking_token}/")
    assert "无人接单，已升级至镇街" in track.content.decode()


def test_running_twice_climbs_once(open_order, town_admin, town_detachment):
    escalate(24)
    assert escalate(24.5) == {"town": 0, "city": 0}
    assert escalations(open_order) == ["town"]
    assert told(town_admin, Kind.ORDER_ESCALATED) == 1


def test_after_48_hours_the_matching_city_detachment_may_claim_it_from_another_town(
    client, open_order, town_admin, town_detachment, detachment, detachment_member, city_admin
):
    # Before: 龙泉街道's volunteer neither sees nor may claim 团结村's order.
    with pytest.raises(NotInScope):
        services.order_claim(order_id=open_order.pk, actor=detachment_member.user)
    client.force_login(detachment_member.user)
    assert open_order.number not in client.get("/volunteer/").content.decode()

    escalate(24)
    assert escalate(48) == {"town": 0, "city": 1}
    open_order.refresh_from_db()
    assert (open_order.tier, open_order.escalated_team) == (Order.Tier.CITY, detachment)
    assert escalations(open_order) == ["town", "city"]
    assert told(city_admin, Kind.ORDER_ESCALATED) == 1
    assert told(detachment_member.user, Kind.ORDER_OPEN) == 1

    # Now it is on their dashboard, marked as escalated, and the same claim takes it.
    dashboard = client.get("/volunteer/").content.decode()
    assert open_order.number in dashboard and "无人接单，已升级至市级" in dashboard
    response = client.post(f"/volunteer/orders/{open_order.pk}/claim/")
    assert response.status_code == 302
    open_order.refresh_from_db()
    assert open_order.status == S.ACCEPTED
    assert open_order.accepted_by == detachment_member
    assert open_order.tier == Order.Tier.CITY  # the tier that served it


def test_a_late_run_climbs_both_tiers_at_once(open_order, town_detachment, detachment):
    assert escalate(60) == {"town": 1, "city": 1}
    assert escalations(open_order) == ["town", "city"]


def test_accepted_cancelled_and_served_orders_never_climb(
    tuanjie_station, tuanjie, menu_item, volunteer, town_detachment
):
    with time_machine.travel(T0, tick=False):
        accepted = order_in_state(
            S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
        )
        cancelled = order_in_state(S.CANCELLED, village=tuanjie, menu_item=menu_item)
    assert escalate(100) == {"town": 0, "city": 0}
    for order in (accepted, cancelled):
        order.refresh_from_db()
        assert order.tier == Order.Tier.VILLAGE


def test_an_order_waiting_for_review_climbs_and_its_admin_is_told_but_no_volunteer(
    tuanjie_station, tuanjie, menu_item, town_admin, town_detachment, squad_member
):
    with time_machine.travel(T0, tick=False):
        order = submit_order(tuanjie, menu_item)
    assert order.status == S.SUBMITTED  # the station reviews orders
    escalate(24)
    order.refresh_from_db()
    assert order.tier == Order.Tier.TOWN and order.status == S.SUBMITTED
    assert told(town_admin, Kind.ORDER_ESCALATED) == 1
    assert told(squad_member.user, Kind.ORDER_OPEN) == 0  # nothing to claim yet
    # Once approved, the squads hear of it with the village team.
    services.order_approve(order_id=order.pk, actor=town_admin)
    assert told(squad_member.user, Kind.ORDER_OPEN) == 1


def test_the_clocks_are_settings(settings, open_order, town_detachment, detachment):
    settings.WENMING_ESCALATE_TOWN_HOURS = 2
    settings.WENMING_ESCALATE_CITY_HOURS = 6
    assert escalate(2) == {"town": 1, "city": 0}
    assert escalate(6) == {"town": 0, "city": 1}


def test_no_matching_detachment_still_tells_the_city_admin(open_order, city_admin):
    escalate(48)
    open_order.refresh_from_db()
    assert open_order.tier == Order.Tier.CITY and open_order.escalated_team is None
    assert told(city_admin, Kind.ORDER_ESCALATED) == 1


def test_the_platform_picks_the_detachment_when_no_detachment_offers_the_item(
    city, open_order, theory_platform, lecture_category
):
    law = f.TeamFactory(
        name="法律服务志愿服务支队", kind=Team.Kind.DETACHMENT, village=None, town=None, city=city
    )
    theory = f.TeamFactory(
        name="党员志愿服务支队", kind=Team.Kind.DETACHMENT, village=None, town=None, city=city
    )
    f.MenuItemFactory(
        title="民法典宣讲",
        platform=f.PlatformFactory(name="法律法规"),
        category=lecture_category,
        team=law,
    )
    f.MenuItemFactory(
        title="党史微宣讲", platform=theory_platform, category=lecture_category, team=theory
    )
    escalate(48)
    open_order.refresh_from_db()
    assert open_order.escalated_team == theory


def test_the_city_admin_may_assign_it_to_a_detachment_member_of_another_town(
    open_order, detachment, detachment_member, city_admin
):
    with pytest.raises(InvalidInput) as refused:
        services.order_assign(
            order_id=open_order.pk, actor=city_admin, volunteer_id=detachment_member.pk
        )
    assert refused.value.fields == {"volunteer": ["只能派给本镇（街道）在册的志愿者。"]}
    escalate(48)
    order = services.order_assign(
        order_id=open_order.pk, actor=city_admin, volunteer_id=detachment_member.pk
    )
    assert order.status == S.ACCEPTED and order.accepted_by == detachment_member


def test_the_digest_counts_escalated_orders(open_order, town_admin, town_detachment):
    from orders import notices

    escalate(24)
    with time_machine.travel(T0 + dt.timedelta(hours=30), tick=False):
        notices.order_send_digests()
    digest = Notification.objects.get(recipient=town_admin, kind=Kind.DIGEST, channel="inbox")
    assert digest.payload["escalated"] == 1
    assert "无人接单升级 1 个" in digest.body

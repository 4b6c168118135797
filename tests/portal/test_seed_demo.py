"""seed_demo: Tengzhou-shaped counts at scale 1, determinism, refusal to run twice, --reset.

The whole command runs once per module (the counts, the refusal); the tests that seed again
(--reset, --seed, --scale) run only the steps their assertions read, with every domain table
emptied first as a real --reset does.
"""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventVolunteer
from orders.models import (
    MenuItem,
    Order,
    OrderNumberSequence,
    OrderStatusChange,
    Platform,
    ServiceCategory,
    VolunteerSkill,
)
from portal import seeding
from portal.demo_logins import ensure_demo_logins
from reports.models import OrderFact
from stations.demo import TOWNS
from stations.models import City, Position, Town, Village
from volunteers.demo_hours import DEMO_ORGANISER
from volunteers.models import (
    Certificate,
    PointsEntry,
    Redemption,
    Reward,
    ServiceRecord,
    ServiceRecordChange,
    Team,
    Volunteer,
    VolunteerStanding,
)
from volunteers.selectors import points_summary

pytestmark = [pytest.mark.django_db, pytest.mark.long]
SEEDED_AT = timezone.now()


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", verbosity=0, stdout=out, force=True, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """Seed once per module (seconds); each test still runs in a rolled-back transaction."""
    # A small order history: twelve months at full size take seconds per reseed here, and
    # tests/orders/test_demo_history.py covers its shape.
    # Undone in ``finally``: a seed that fails here must not leave the small history patched
    # for the rest of the session (tests/orders/test_demo_scale.py measures the real one).
    patch = pytest.MonkeyPatch()
    patch.setattr("orders.demo_history.ORDERS_PER_SCALE", 300)
    try:
        with django_db_blocker.unblock():
            try:
                # Frozen, so that a test seeding again at the same instant gets the same data:
                # an event starting between two seeds would be done in one and not the other.
                with time_machine.travel(SEEDED_AT, tick=False):
                    seed()
                yield
            finally:
                with transaction.atomic():
                    seeding.delete_domain_data()
    finally:
        patch.undo()


@pytest.fixture
def seeded(_seeded_once, db):
    return None


@pytest.fixture
def only_steps(monkeypatch):
    """``only_steps("places", …)``: later seeds run just these steps, in their usual order.

    A step uses only ``ctx.rng`` after the steps before it, so the names that the places and
    teams steps give are the same whether or not the later steps (a year of orders and events,
    the rollups: most of a seed's time) run after them.
    """

    def use(*labels: str) -> None:
        known = {label for label, _ in seeding.STEPS}
        assert set(labels) <= known, set(labels) - known
        monkeypatch.setattr(seeding, "STEPS", [s for s in seeding.STEPS if s[0] in labels])

    return use


def test_counts_at_scale_1(seeded):
    assert City.objects.get().name == "滕州市"
    assert Town.objects.count() == 21
    assert Village.objects.count() == 1224
    stations = Position.objects.filter(level=Position.Level.STATION)
    assert stations.count() == 1224
    per_village = Village.objects.annotate(
        n=Count("positions", filter=Q(positions__level=Position.Level.STATION))
    )
    assert not per_village.exclude(n=1).exists()
    assert Position.objects.filter(level=Position.Level.CENTRE).count() == 1
    # 5 city venues + one sub-centre per town.
    assert Position.objects.filter(level=Position.Level.SUBCENTRE, town=None).count() == 5
    assert Position.objects.filter(level=Position.Level.SUBCENTRE).exclude(town=None).count() == 21
    assert Team.objects.filter(kind=Team.Kind.GENERAL).count() == 1
    assert Team.objects.filter(kind=Team.Kind.DETACHMENT).count() == 12
    assert Team.objects.filter(kind=Team.Kind.TOWN_DETACHMENT).count() == 21
    assert Team.objects.filter(kind=Team.Kind.VILLAGE_TEAM).count() == 1224
    assert Team.objects.filter(kind=Team.Kind.SQUAD).values("town").distinct().count() == 21
    assert Platform.objects.count() == 7
    assert ServiceCategory.objects.count() == 9
    assert MenuItem.objects.count() >= 40
    assert Volunteer.objects.count() >= 3000
    with_skills = VolunteerSkill.objects.values("volunteer").distinct().count()
    assert with_skills == Volunteer.objects.count()


def test_town_kinds_follow_domain(seeded):
    kinds = dict(Town.objects.values_list("name", "kind"))
    assert kinds == {name: kind for name, kind, _ in TOWNS}
    assert kinds["洪绪镇"] == Town.Kind.TOWN
    assert kinds["龙泉街道"] == Town.Kind.SUBDISTRICT
    assert [
        "党员志愿服务支队",
        "青年志愿服务支队",
        "巾帼志愿服务支队",
    ] == list(Team.objects.filter(kind=Team.Kind.DETACHMENT).values_list("name", flat=True)[:3])


def test_tuanjie_has_forty_volunteers_in_its_team(seeded):
    tuanjie = Village.objects.get(name="团结村", town__name="洪绪镇")
    assert Volunteer.objects.filter(home_village=tuanjie).count() == 40
    team = Team.objects.get(village=tuanjie)
    assert team.members.count() == 40
    station = Position.objects.get(village=tuanjie)
    # The village party secretary heads the station and captains the team.
    assert team.captain.name == station.head_name
    assert Volunteer.objects.filter(home_village=tuanjie).exclude(town=tuanjie.town).count() == 0


def test_volunteers_history_agrees_with_today(seeded):
    """The reports count past teams from the standing history: each volunteer's latest row is
    their state today, none starts before they joined, and those no longer active left on a
    day after joining (so they count for the months between)."""
    latest = {}
    first = {}
    rows = VolunteerStanding.objects.order_by("since", "id").values_list(
        "volunteer_id", "village_id", "is_active", "since"
    )
    for volunteer_id, village_id, active, since in rows:
        latest[volunteer_id] = (village_id, active)
        first.setdefault(volunteer_id, since)
    today = {v: (village, active) for v, village, active in
             Volunteer.objects.values_list("pk", "home_village_id", "is_active")}  # fmt: skip
    assert latest == today
    joined = dict(Volunteer.objects.values_list("pk", "joined_on"))
    assert all(timezone.localdate(first[v]) == joined[v] for v in first)
    left = [v for v, (_, active) in today.items() if not active]
    assert left and VolunteerStanding.objects.filter(volunteer__in=left).count() == 2 * len(left)


def test_menu_has_targeted_and_reach_limited_items(seeded):
    targets = set(MenuItem.objects.exclude(target_group="").values_list("target_group", flat=True))
    assert {"elderly_alone", "left_behind_children", "disabled"} <= targets
    assert MenuItem.objects.filter(reach=MenuItem.Reach.TOWNS, towns__isnull=False).exists()
    tuanjie = Village.objects.get(name="团结村")
    assert MenuItem.objects.filter(reach=MenuItem.Reach.VILLAGES, villages=tuanjie).exists()
    assert set(ServiceCategory.objects.values_list("code", flat=True)) == {
        "lecture", "law", "customs", "environment", "assistance", "performing", "etiquette",
        "fitness", "science",
    }  # fmt: skip


def test_refuses_to_run_twice_without_reset(seeded):
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert Village.objects.count() == 1224


def test_same_seed_same_names_and_reset_deletes_later_apps_rows(seeded, only_steps):
    villages = list(Village.objects.order_by("id").values_list("name", flat=True))
    people = list(Volunteer.objects.order_by("id").values_list("name", "phone"))
    tuanjie = Village.objects.get(name="团结村")
    item = MenuItem.objects.first()
    order = Order.objects.create(
        number="D1", tracking_token="t1", village=tuanjie, town=tuanjie.town, menu_item=item,
        category=item.category, name="李大娘", phone="13812341234",
    )  # fmt: skip
    start = timezone.now()
    Event.objects.create(
        title="x", category=item.category, start=start, end=start + timedelta(hours=1),
        source_order=order, village=tuanjie, town=tuanjie.town,
    )  # fmt: skip

    # What the later steps wrote: the full seed's history, events and rollups.
    later = [Order, OrderStatusChange, OrderNumberSequence]
    for label in ("events", "reports"):
        later += apps.get_app_config(label).get_models(include_auto_created=True)
    assert Order.objects.exclude(number="D1").exists()
    assert Event.objects.filter(source_order__isnull=True).exists()
    assert OrderFact.objects.exists()

    only_steps("places", "teams", "menu")
    seed(reset=True)

    # Same seed, same names as the module's full seed.
    assert list(Village.objects.order_by("id").values_list("name", flat=True)) == villages
    assert list(Volunteer.objects.order_by("id").values_list("name", "phone")) == people
    # --reset emptied the later apps' tables, the order and the event made here included,
    # and removed the login the demo's hours were recorded under (no step here adds it back).
    assert [m._meta.label for m in later if m._default_manager.exists()] == []
    assert not get_user_model().objects.filter(username=DEMO_ORGANISER).exists()


def test_other_seed_other_names(seeded, only_steps):
    before = set(Village.objects.values_list("name", flat=True))
    only_steps("places")
    seed(reset=True, seed=7)
    assert set(Village.objects.values_list("name", flat=True)) != before
    assert Village.objects.count() == 1224


def test_scale_multiplies_villages(seeded, only_steps):
    only_steps("places", "teams")
    seed(scale=2, reset=True)
    assert Village.objects.count() == 2448
    assert Position.objects.filter(level=Position.Level.STATION).count() == 2448
    assert Volunteer.objects.filter(home_village__name="团结村").count() == 40


def test_delete_order_covers_every_domain_model():
    ordered = seeding.domain_models_delete_order()
    expected = {
        m
        for label in seeding.DOMAIN_APPS
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    assert set(ordered) == expected
    assert ordered.index(Order) < ordered.index(MenuItem) < ordered.index(Platform)
    assert ordered.index(Event) < ordered.index(Order)
    assert ordered.index(Position) < ordered.index(Village) < ordered.index(Town)


def test_refused_on_a_production_database_without_force(settings):
    settings.DEBUG = False
    before = (City.objects.count(), Village.objects.count(), Order.objects.count())
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0, stdout=StringIO(), reset=True)
    # Refused before anything, --reset included: the module's seeded data is untouched.
    assert (City.objects.count(), Village.objects.count(), Order.objects.count()) == before


# --- hours, certificates, points (issue #11) -------------------------------------------------

SR = ServiceRecord.Status


def test_hours_pending_and_confirmed_for_orders_and_events(seeded):
    records = ServiceRecord.objects
    assert records.filter(status=SR.CONFIRMED).count() > records.filter(status=SR.PENDING).count()
    assert records.filter(status=SR.PENDING).exists()
    for kind in ("order", "event"):
        assert records.filter(source_kind=kind, status=SR.CONFIRMED).exists()
        assert records.filter(source_kind=kind, status=SR.PENDING).exists()
    # A rated order's hours were confirmed by the rating; an unrated one may still wait.
    rated = Order.objects.filter(status=Order.Status.RATED, accepted_by__isnull=False)
    assert not records.filter(
        source_kind="order", source_id__in=rated.values("pk"), status=SR.PENDING
    ).exists()
    # The event's list of who served mirrors the records: pending hours are not credited.
    pending_events = records.filter(source_kind="event", status=SR.PENDING)
    for record in pending_events[:20]:
        link = EventVolunteer.objects.get(event_id=record.source_id, volunteer=record.volunteer)
        assert (link.confirmed, link.hours_credited) == (False, False)


def test_every_record_has_its_audit_rows_and_totals_count_confirmed_hours(seeded):
    records = ServiceRecord.objects
    created = ServiceRecordChange.objects.filter(action="create").values("record")
    confirmed = ServiceRecordChange.objects.filter(action="confirm", to_status=SR.CONFIRMED).values(
        "record"
    )
    assert not records.exclude(pk__in=created).exists()
    assert not records.filter(status=SR.CONFIRMED).exclude(pk__in=confirmed).exists()
    assert not records.filter(status=SR.PENDING, pk__in=confirmed).exists()
    # Only confirmed hours count in a volunteer's total.
    sums = dict(
        records.filter(status=SR.CONFIRMED)
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values_list("volunteer", "total")
    )
    totals = dict(Volunteer.objects.values_list("pk", "hours_total"))
    assert sums and {pk: total for pk, total in totals.items() if total} == sums


def test_points_follow_confirmed_hours_and_balances_are_the_ledger(seeded):
    confirmed = ServiceRecord.objects.filter(status=SR.CONFIRMED)
    earned = PointsEntry.objects.filter(kind="earn")
    # One earning per confirmed record, none for pending hours.
    assert earned.count() == confirmed.count()
    assert not earned.exclude(record__status=SR.CONFIRMED).exists()
    assert earned.filter(points=F("record__hours") * F("record__points_rate")).count() > (
        earned.count() * 0.9
    )
    # Redemptions went through the ledger: an entry each, and no balance below zero.
    assert Reward.objects.values("position").distinct().count() >= 20
    redemptions = Redemption.objects.count()
    assert redemptions >= 20
    assert PointsEntry.objects.filter(kind="redeem", redemption__isnull=False).count() == (
        redemptions
    )
    ledger = dict(
        PointsEntry.objects.values("volunteer")
        .annotate(s=Sum("points"))
        .values_list("volunteer", "s")
    )
    assert min(ledger.values()) >= 0
    redeemers = Redemption.objects.values_list("volunteer", flat=True).distinct()
    for volunteer_id in list(redeemers)[:30]:
        summary = points_summary(volunteer_id)
        assert summary["balance"] == ledger[volunteer_id]
        assert summary["earned"] - summary["redeemed"] == summary["balance"]


def test_the_article_station_sees_overdue_hours_and_its_points_supermarket(seeded, client):
    users = ensure_demo_logins(password="demo-pass-123")  # noqa: S106 - test password
    client.force_login(users["station"])
    page = client.get(reverse("volunteers:hours_overdue"))
    assert page.status_code == 200
    assert page.context["page"].paginator.count >= 1
    assert "确认时长" in page.content.decode()
    rewards = client.get(reverse("volunteers:rewards"))
    assert rewards.status_code == 200
    station = Position.objects.get(village__name="团结村", village__town__name="洪绪镇")
    assert Reward.objects.filter(position=station).count() >= 3
    assert Redemption.objects.filter(reward__position=station).exists()
    # The demo volunteer login has confirmed and pending records, points and a certificate.
    client.force_login(users["volunteer"])
    mine = client.get(reverse("volunteers:my_records"))
    assert mine.status_code == 200
    volunteer = Volunteer.objects.get(user=users["volunteer"])
    assert volunteer.service_records.filter(status=SR.CONFIRMED).exists()
    assert volunteer.service_records.filter(status=SR.PENDING).exists()
    assert volunteer.certificates.filter(status=Certificate.Status.VALID).exists()


def test_certificates_one_revoked_says_so_on_its_page(seeded, client):
    assert Certificate.objects.filter(status=Certificate.Status.VALID).count() >= 3
    revoked = Certificate.objects.get(status=Certificate.Status.REVOKED)
    assert revoked.revoke_reason
    page = client.get(reverse("volunteers:certificate_verify", args=[revoked.code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "该证明已作废" in text and revoked.revoke_reason in text
    valid = Certificate.objects.filter(status=Certificate.Status.VALID).first()
    page = client.get(reverse("volunteers:certificate_verify", args=[valid.code]))
    assert "该证明已作废" not in page.content.decode()
    # Each certifies confirmed hours of its period, never an empty one.
    for certificate in Certificate.objects.all():
        records = certificate.records.all()
        assert records and all(r.status == SR.CONFIRMED for r in records)
        assert certificate.hours == sum(r.hours for r in records) > 0


def _hours_snapshot() -> dict:
    phone = "volunteer__phone"
    return {
        "records": sorted(
            ServiceRecord.objects.values_list(
                phone, "source_kind", "content", "service_date", "hours", "status"
            )
        ),
        "points": sorted(
            PointsEntry.objects.values("volunteer__phone")
            .annotate(s=Sum("points"))
            .values_list("volunteer__phone", "s")
        ),
        "rewards": sorted(Reward.objects.values_list("position__name", "name", "stock")),
        "certificates": sorted(
            Certificate.objects.values_list(phone, "period_start", "period_end", "hours", "status")
        ),
    }


def test_same_seed_same_hours_and_points(seeded, only_steps):
    before = _hours_snapshot()
    # Every step but the rollups: each step before hours and points moves the generator.
    only_steps(*[label for label, _ in seeding.STEPS if label != "rollups"])
    with time_machine.travel(SEEDED_AT, tick=False):
        seed(reset=True)
    assert _hours_snapshot() == before

"""The rollups against an independent count over the base tables, on randomized data.

The reference below walks every order and event in Python, converting each moment to its
Asia/Shanghai month by hand: it shares no code with ``reports.services``.
"""

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from events.models import Event, EventVolunteer
from orders.models import Order
from reports import receivers, services, tasks
from reports.models import OrderFact, RollupPending, VillageMonthCategory
from stations.models import Village
from tests import factories as f
from tests.reports.factories import SH, add_helper, make_event, make_order, write_history
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.long

FIELDS = [
    "orders_received",
    "orders_accepted",
    "orders_completed",
    "orders_rated",
    "orders_closed",
    "stars_sum",
    "events_done",
    "attendance",
    "volunteer_hours",
    "services",
]


def local_month(moment):
    local = moment.astimezone(SH)
    return dt.date(local.year, local.month, 1)


def changes(o) -> list[tuple]:
    rows = sorted(o.status_changes.all(), key=lambda c: (c.created_at, c.id))
    return [(c.created_at, c.to_status) for c in rows]


def standing_acceptance(o):
    """The last acceptance, for an order now accepted, completed or rated (README)."""
    if o.status not in ("accepted", "completed", "rated"):
        return None
    accepts = [at for at, to in changes(o) if to == "accepted"]
    return accepts[-1] if accepts else o.accepted_at


def overdue(o) -> bool:
    """Still submitted or open when its 48 hours ran out; never when cancelled or rejected."""
    if o.status in ("cancelled", "rejected"):
        return False
    deadline = o.created_at + dt.timedelta(hours=48)
    then = [to for at, to in changes(o) if at <= deadline]
    return (then[-1] if then else "submitted") in ("submitted", "open")


def reference() -> dict:
    rows = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    for o in Order.objects.prefetch_related("status_changes"):

        def bump(moment, o=o, **add):
            if moment is None:
                return
            row = rows[(o.village_id, local_month(moment), o.category_id)]
            for k, v in add.items():
                row[k] += v

        bump(o.created_at, orders_received=1)
        bump(standing_acceptance(o), orders_accepted=1)
        if o.status in ("completed", "rated"):
            # Only confirmed hours count (a service record confirmed by rating or station head).
            confirmed = ServiceRecord.objects.filter(
                source_kind="order", source_id=o.pk, status="confirmed"
            ).exists()
            hours = (o.hours or 0) if confirmed else 0
            bump(o.completed_at, orders_completed=1, services=1, volunteer_hours=hours)
        if o.status == "rated":
            bump(o.rated_at, orders_rated=1, stars_sum=o.stars)
        if o.status in ("cancelled", "rejected"):
            bump(o.closed_at, orders_closed=1)
    for e in Event.objects.filter(state="done", village__isnull=False):
        row = rows[(e.village_id, local_month(e.end), e.category_id)]
        row["events_done"] += 1
        row["services"] += 1
        row["attendance"] += e.attendance
        for link in EventVolunteer.objects.filter(event=e):
            if link.hours_credited:  # confirmed by the organiser, not a self check-in alone
                row["volunteer_hours"] += link.hours
    return {k: v for k, v in rows.items() if any(v.values())}


def rollup() -> dict:
    out = {}
    for r in VillageMonthCategory.objects.all():
        values = {k: getattr(r, k) for k in FIELDS}
        assert r.town_id == r.village.town_id
        if any(values.values()):
            out[(r.village_id, r.month, r.category_id)] = values
    return out


def normalise(rows):
    return {k: {**v, "volunteer_hours": Decimal(v["volunteer_hours"])} for k, v in rows.items()}


def random_moment(rng):
    """Moments crowded around month boundaries in Shanghai (and so around UTC ones too)."""
    month = rng.randint(1, 6)
    if rng.random() < 0.5:
        edge = dt.datetime(2026, month + 1, 1, tzinfo=SH)
        return edge + dt.timedelta(minutes=rng.randint(-600, 600))
    return dt.datetime(2026, month, rng.randint(1, 28), rng.randint(0, 23), tzinfo=SH)


@pytest.fixture
def world(db):
    towns = [f.TownFactory(name=n) for n in ("洪绪镇", "龙泉街道")]
    villages = [f.VillageFactory(town=towns[i % 2]) for i in range(6)]
    items = [f.MenuItemFactory() for _ in range(3)]
    teams = [f.TeamFactory(village=v) for v in villages[:2]]
    volunteers = [f.VolunteerFactory(home_village=v) for v in villages]
    return villages, items, teams, volunteers


def random_path(rng, created, final):
    """A status path ending in ``final``, with (sometimes) an approval, a release and a
    re-acceptance, or a cancellation after acceptance: (to_status, moment) pairs."""
    S = Order.Status
    t = created
    path = [(S.SUBMITTED, t)]

    def step(status, hours):
        nonlocal t
        t = t + dt.timedelta(hours=hours)
        path.append((status, t))

    if final == S.REJECTED:
        step(S.REJECTED, 5)
        return path
    if rng.random() < 0.5:
        step(S.OPEN, rng.randint(0, 3))
    accepts = final in (S.ACCEPTED, S.COMPLETED, S.RATED) or rng.random() < 0.5
    if accepts or final == S.OPEN and rng.random() < 0.5:
        step(S.ACCEPTED, rng.randint(1, 70))
        if rng.random() < 0.4 or not accepts:
            step(S.OPEN, rng.randint(1, 60))  # released
            if accepts:
                step(S.ACCEPTED, rng.randint(1, 60))
    if final in (S.COMPLETED, S.RATED):
        step(S.COMPLETED, rng.randint(1, 300))
    if final == S.RATED:
        step(S.RATED, rng.randint(1, 30))
    if final == S.CANCELLED:
        step(S.CANCELLED, rng.randint(1, 30))
    return path


def build_random(world, rng, *, orders=80, events=25, notify=True):
    """Random orders and events; with ``notify`` each is marked stale as its transitions would
    mark it, and the queued refresh drains the marks at the end (coalesced per village)."""
    villages, items, teams, volunteers = world
    S = Order.Status
    for _ in range(orders):
        created = random_moment(rng)
        final = rng.choice(list(S))
        path = random_path(rng, created, final)
        moment = {status: at for status, at in path}  # the last time of each status
        accepted = moment.get(S.ACCEPTED) if final != S.OPEN else None
        # First the submission, then the final state: two refreshes, as two transitions.
        order = make_order(
            village=rng.choice(villages),
            menu_item=rng.choice(items),
            status=S.SUBMITTED,
            created_at=created,
            notify=notify,
        )
        Order.objects.filter(pk=order.pk).update(
            status=final,
            accepted_at=accepted,
            accepted_team=rng.choice(teams) if accepted else None,
            completed_at=moment.get(S.COMPLETED),
            rated_at=moment.get(S.RATED),
            stars=rng.randint(1, 5) if final == S.RATED else None,
            hours=Decimal(rng.randint(1, 8)) / 2 if final in (S.COMPLETED, S.RATED) else None,
            closed_at=moment.get(S.CANCELLED) or moment.get(S.REJECTED),
        )
        write_history(order, path)
        if final == S.RATED:  # the rating confirmed the volunteer's hours
            ServiceRecord.objects.create(
                volunteer=rng.choice(volunteers),
                source_kind="order",
                source_id=order.pk,
                content="x",
                service_date=dt.date(2026, 1, 1),
                hours=Decimal(1),
                status="confirmed",
                confirmed_at=created,
            )
        if notify:
            receivers.on_order_status_changed(None, order_id=order.pk)
    for _ in range(events):
        start = random_moment(rng)
        event = make_event(
            village=rng.choice(villages),
            category=rng.choice(items).category,
            start=start,
            end=start + dt.timedelta(hours=rng.choice([1, 3, 30])),
            state="published",
            attendance=rng.randint(0, 50),
            notify=notify,
        )
        for vol in rng.sample(volunteers, 2):
            add_helper(
                event,
                vol,
                rng.randint(0, 6),
                confirmed=rng.random() < 0.5,
                checked_in=rng.random() < 0.3,
                notify=False,  # the state change below refreshes the event with its helpers
            )
        Event.objects.filter(pk=event.pk).update(state=rng.choice(["done", "done", "cancelled"]))
        if notify:
            receivers.on_event_state_changed(None, event_id=event.pk, village_id=event.village_id)
    if notify:
        assert RollupPending.objects.exists()
        assert services.refresh_pending()["failed"] == 0
        assert not RollupPending.objects.exists()


def test_incremental_rollup_matches_independent_count(world):
    """Refreshed transition by transition as the workflow's signals do; the other oracle tests
    build the same kind of data and rebuild once (fast), this one pays for every refresh."""
    seed = 1
    build_random(world, random.Random(seed))
    expected = normalise(reference())
    assert expected, "the random data produced no rows"
    assert normalise(rollup()) == expected


def test_rebuild_matches_and_is_idempotent(world):
    build_random(world, random.Random(3), notify=False)
    expected = normalise(reference())
    VillageMonthCategory.objects.all().delete()
    OrderFact.objects.all().delete()
    call_command("rebuild_rollups", verbosity=0)
    assert normalise(rollup()) == expected
    facts = OrderFact.objects.count()
    assert facts == Order.objects.count()
    # One month again, after its rows were damaged: healed, and nothing else changed.
    VillageMonthCategory.objects.filter(month=dt.date(2026, 3, 1)).update(services=999)
    tasks.rebuild_rollups.apply(args=["2026-03"]).get()
    assert normalise(rollup()) == expected
    assert OrderFact.objects.count() == facts
    services.rebuild()
    assert normalise(rollup()) == expected


def test_order_facts_match_the_orders(world):
    build_random(world, random.Random(4), notify=False)
    services.rebuild()
    for order in Order.objects.select_related("menu_item"):
        fact = OrderFact.objects.get(pk=order.pk)
        assert fact.created_month == local_month(order.created_at)
        assert fact.town_id == order.town_id and fact.platform_id == order.menu_item.platform_id
        served = order.status in ("completed", "rated")
        assert fact.completed_month == (local_month(order.completed_at) if served else None)
        accepted = standing_acceptance(order)
        assert fact.accepted_month == (local_month(accepted) if accepted else None)
        if accepted:
            assert fact.accept_seconds == (accepted - order.created_at).total_seconds()
        assert fact.stars == (order.stars if order.status == "rated" else None)
        assert (fact.overdue_at is not None) == overdue(order), order.pk


def test_rebuild_command_rejects_a_bad_month(db):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("rebuild_rollups", month="2026-13")


def test_a_failing_refresh_is_kept_and_retried(
    tuanjie_station, neighbour_village, menu_item, monkeypatch, caplog
):
    """The resident's order is saved whatever the refresh does; a refresh that fails leaves
    its village marked (and the other villages refreshed), and the next sweep makes it exact."""
    from orders import submission as order_submission

    f.StationFactory(village=neighbour_village)
    tuanjie = tuanjie_station.village
    for village in (tuanjie, neighbour_village):
        order_submission.order_submit(
            village=village, menu_item=menu_item, name="李大娘", phone="13812341234"
        )
    assert set(RollupPending.objects.values_list("village_id", flat=True)) == {
        tuanjie.pk,
        neighbour_village.pk,
    }
    real = services._rewrite_village

    def boom(*, village_id, months):
        if village_id == tuanjie.pk:
            raise RuntimeError("database gone")
        return real(village_id=village_id, months=months)

    monkeypatch.setattr(services, "_rewrite_village", boom)
    assert tasks.refresh_pending.apply().get() == {"villages": 1, "failed": 1}
    assert f"could not refresh rollups for village {tuanjie.pk}" in caplog.text
    # Nothing of the failed village's refresh was kept, and its marker waits for the sweep.
    assert list(RollupPending.objects.values_list("village_id", flat=True)) == [tuanjie.pk]
    assert not OrderFact.objects.filter(village=tuanjie).exists()
    assert VillageMonthCategory.objects.filter(village=neighbour_village).exists()

    monkeypatch.setattr(services, "_rewrite_village", real)
    assert tasks.refresh_pending.apply().get() == {"villages": 1, "failed": 0}
    assert not RollupPending.objects.exists()
    assert normalise(rollup()) == normalise(reference())


def test_a_transition_marks_its_village_in_its_own_transaction(
    tuanjie_station, menu_item, django_capture_on_commit_callbacks
):
    """The marker commits or rolls back with the change; the refresh is queued only after it."""
    from django.db import transaction

    from orders import submission as order_submission

    tuanjie = tuanjie_station.village
    with pytest.raises(RuntimeError), transaction.atomic():
        order_submission.order_submit(
            village=tuanjie, menu_item=menu_item, name="李大娘", phone="13812341234"
        )
        assert RollupPending.objects.filter(village_id=tuanjie.pk).exists()
        raise RuntimeError("the request failed after the order")
    assert not RollupPending.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        order = order_submission.order_submit(
            village=tuanjie, menu_item=menu_item, name="李大娘", phone="13812341234"
        ).order
    # Written, but nothing refreshed inside the resident's transaction.
    assert RollupPending.objects.filter(village_id=tuanjie.pk, order_id=order.pk).exists()
    assert not VillageMonthCategory.objects.exists()
    for callback in queued:
        callback()
    assert not RollupPending.objects.exists()
    assert VillageMonthCategory.objects.get(village=tuanjie).orders_received == 1


def test_completing_an_event_through_the_service_updates_the_rollup(
    city_admin, tuanjie, lecture_category, django_capture_on_commit_callbacks
):
    from events import services as event_services

    event = make_event(
        village=tuanjie,
        category=lecture_category,
        start=dt.datetime(2026, 3, 31, 22, tzinfo=SH),
        end=dt.datetime(2026, 4, 1, 1, tzinfo=SH),
        state="published",
        notify=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_complete(user=city_admin, event=event, attendance=12)
    row = VillageMonthCategory.objects.get(village=tuanjie)
    assert (row.month, row.events_done, row.attendance, row.services) == (
        dt.date(2026, 4, 1),
        1,
        12,
        1,
    )
    # A volunteer confirmed after the event is done: the hours reach the rollup too.
    volunteer = f.VolunteerFactory(home_village=tuanjie)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_volunteer_confirm(
            user=city_admin, event=event, volunteer=volunteer, hours=Decimal("2.5")
        )
    row = VillageMonthCategory.objects.get(village=tuanjie)  # rows are rewritten, not updated
    assert row.volunteer_hours == Decimal("2.5")


def test_town_months_match_the_village_rows(world):
    from reports.models import TownMonth

    build_random(world, random.Random(5), notify=False)
    services.rebuild()
    expected = defaultdict(set)
    services_by = defaultdict(int)
    for (village_id, month, _category), row in reference().items():
        if row["services"]:
            town_id = Village.objects.get(pk=village_id).town_id
            expected[(town_id, month)].add(village_id)
            services_by[(town_id, month)] += row["services"]
    actual = {
        (t.town_id, t.month): (t.villages_served, t.services) for t in TownMonth.objects.all()
    }
    assert actual == {k: (len(v), services_by[k]) for k, v in expected.items()}
    services.rebuild()
    again = {(t.town_id, t.month): (t.villages_served, t.services) for t in TownMonth.objects.all()}
    assert again == actual


def test_overdue_is_judged_from_the_status_changes(
    client, town_admin, tuanjie, menu_item, volunteer
):
    """Overdue: still waiting when the 48 hours ran out. Accepted in time and then released
    and re-accepted late is not overdue; accepted late is; cancelled never counts; one still
    waiting counts once its 48 hours are up, with no periodic task run in between."""
    import time_machine
    from django.urls import reverse

    S = Order.Status
    created = dt.datetime(2026, 5, 3, 9, tzinfo=SH)
    h = lambda n: created + dt.timedelta(hours=n)  # noqa: E731
    common = {"village": tuanjie, "menu_item": menu_item, "created_at": created}
    in_time = make_order(
        **common,
        status=S.ACCEPTED,
        accepted_at=h(70),
        accepted_by=volunteer,
        history=[(S.SUBMITTED, h(0)), (S.ACCEPTED, h(47)), (S.OPEN, h(60)), (S.ACCEPTED, h(70))],
    )
    late = make_order(**common, status=S.ACCEPTED, accepted_at=h(49), accepted_by=volunteer)
    make_order(**common, status=S.CANCELLED, closed_at=h(50))
    with time_machine.travel(h(47), tick=False):
        waiting = make_order(**common, status=S.OPEN)
    facts = dict(OrderFact.objects.values_list("order_id", "overdue_at"))
    assert facts[in_time.pk] is None and facts[late.pk] == h(48) and facts[waiting.pk] == h(48)
    assert OrderFact.objects.filter(overdue_at__isnull=False).count() == 2
    client.force_login(town_admin)
    params = {"from": "2026-05", "to": "2026-05"}
    with time_machine.travel(h(47), tick=False):
        data = client.get(reverse("reports:orders"), params).context["data"]
        assert (data.totals.received, data.totals.overdue) == (4, 0)  # cached from here on
    with time_machine.travel(h(48), tick=False):
        data = client.get(reverse("reports:orders"), params).context["data"]
        assert (data.totals.received, data.totals.overdue) == (4, 2)


def test_the_order_workflow_keeps_the_rollup_current(
    tuanjie_station, station_head, volunteer, menu_item, django_capture_on_commit_callbacks
):
    """Through the orders services and their on-commit signal, not by hand."""
    import time_machine

    from orders import services as order_services
    from orders import submission as order_submission

    tuanjie = tuanjie_station.village
    with time_machine.travel(dt.datetime(2026, 10, 31, 20, tzinfo=SH), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            order = order_submission.order_submit(
                village=tuanjie, menu_item=menu_item, name="李大娘", phone="13812341234"
            ).order
        with django_capture_on_commit_callbacks(execute=True):
            if order.status == Order.Status.SUBMITTED:
                order_services.order_approve(order_id=order.pk, actor=station_head)
            order_services.order_claim(order_id=order.pk, actor=volunteer.user)
    with time_machine.travel(dt.datetime(2026, 11, 1, 0, 10, tzinfo=SH), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            order_services.order_complete(
                order_id=order.pk, actor=volunteer.user, hours="1.5", note="讲了一堂课"
            )
            order.refresh_from_db()
            order_services.order_rate(tracking_token=order.tracking_token, stars=4)
    rows = {r.month: r for r in VillageMonthCategory.objects.filter(village=tuanjie)}
    october, november = rows[dt.date(2026, 10, 1)], rows[dt.date(2026, 11, 1)]
    assert (october.orders_received, october.orders_accepted, october.services) == (1, 1, 0)
    assert (november.orders_completed, november.services, november.orders_rated) == (1, 1, 1)
    assert (november.stars_sum, november.volunteer_hours) == (4, Decimal("1.5"))
    assert normalise(rollup()) == normalise(reference())


def test_every_coverage_figure_matches_an_independent_count(client, city, world):
    """The figures on the coverage page (served villages per unit and category, the 12-month
    heat map, the gap list and its months without service) against a count over the orders and
    events themselves, for every month of the data, as each kind of official sees them: a
    city admin (towns), a town admin (villages) and the head of scattered stations."""
    from stations.models import Role

    build_random(world, random.Random(6), notify=False)
    services.rebuild()
    services_in: dict[dt.date, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for (village_id, month, category_id), row in reference().items():
        if row["services"]:
            services_in[month][village_id][category_id] = row["services"]
    villages = {v.pk: v for v in Village.objects.select_related("town")}
    town_of = lambda v: villages[v].town_id  # noqa: E731

    city_admin = f.UserFactory()
    Role.objects.create(user=city_admin, kind=Role.Kind.CITY_ADMIN, city=city)
    _check_coverage_pages(client, city_admin, services_in, set(villages), town_of)

    town_admin = f.UserFactory()
    town = next(v.town for v in villages.values() if v.town.name == "洪绪镇")
    Role.objects.create(user=town_admin, kind=Role.Kind.TOWN_ADMIN, city=city, town=town)
    mine = {v for v in villages if villages[v].town_id == town.pk}
    _check_coverage_pages(client, town_admin, services_in, mine, lambda v: v, per_village=True)

    head = f.UserFactory()
    three = world[0][:3]  # two villages in one town, one in the other
    assert len({v.town_id for v in three}) == 2
    for village in three:
        station = f.StationFactory(village=village)
        Role.objects.create(user=head, kind=Role.Kind.STATION_HEAD, city=city, position=station)
    _check_coverage_pages(client, head, services_in, {v.pk for v in three}, town_of)


def _check_coverage_pages(client, user, services_in, visible, unit_of, *, per_village=False):
    import time_machine
    from django.urls import reverse

    client.force_login(user)
    months = [dt.date(2026, m, 1) for m in range(1, 8)]
    assert any(services_in[m] for m in months)
    with time_machine.travel(dt.datetime(2026, 8, 10, tzinfo=SH), tick=False):
        for month in months:
            response = client.get(reverse("reports:coverage"), {"month": f"{month:%Y-%m}"})
            data = response.context["data"].as_dict()
            served = {v: cats for v, cats in services_in[month].items() if v in visible}
            assert {r["id"] for r in data["rows"]} == {unit_of(v) for v in visible}
            for row in data["rows"]:
                mine = {v for v in visible if unit_of(v) == row["id"]}
                assert row["villages"] == len(mine)
                assert row["served"] == len(mine & set(served)), (month, row["name"])
                for category_id, n in row["by_category"].items():
                    if per_village:
                        assert n == served.get(row["id"], {}).get(category_id, 0)
                    else:
                        assert n == sum(1 for v in mine & set(served) if category_id in served[v])
                heat = [
                    sum(services_in[m].get(row["id"], {}).values())
                    if per_village
                    else len(mine & set(services_in[m]))
                    for m in reversed(_last_12(month))
                ]
                assert row["heat"] == heat
            gaps = {g["village_id"]: g["months_without"] for g in data["gaps"]}
            assert set(gaps) == visible - set(served)
            for village_id, without in gaps.items():
                earlier = [m for m in services_in if m < month and village_id in services_in[m]]
                assert without == (_months_between(max(earlier), month) if earlier else None)
            assert data["totals"]["served"] == len(served)
            assert data["totals"]["villages"] == len(visible)
            for category_id, n in data["totals"]["by_category"].items():
                assert n == sum(1 for cats in served.values() if category_id in cats)


def _last_12(month: dt.date) -> list[dt.date]:
    out, y, m = [], month.year, month.month
    for _ in range(12):
        out.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def test_a_service_in_one_town_leaves_other_towns_pages_cached(
    client, city_admin, other_town_admin, world, menu_item, django_assert_max_num_queries
):
    """The report cache is invalidated per town: a new service in 洪绪镇 shows at once on the
    city page while 龙泉街道's page stays cached."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    villages = world[0]
    hongxu_village = next(v for v in villages if v.town.name == "洪绪镇")
    url, params = reverse("reports:coverage"), {"month": "2026-03"}
    with time_machine.travel(dt.datetime(2026, 4, 10, tzinfo=SH), tick=False):
        client.force_login(other_town_admin)
        client.get(url, params)
        with CaptureQueriesContext(connection) as cached:
            client.get(url, params)
        cached_queries = len(cached.captured_queries)
        client.force_login(city_admin)
        before = client.get(url, params).context["data"].as_dict()["totals"]["served"]
        make_order(
            village=hongxu_village,
            menu_item=menu_item,
            status=Order.Status.COMPLETED,
            created_at=dt.datetime(2026, 3, 2, tzinfo=SH),
            accepted_at=dt.datetime(2026, 3, 2, 10, tzinfo=SH),
            completed_at=dt.datetime(2026, 3, 3, tzinfo=SH),
            hours=1,
            accepted_team=world[2][0],
        )
        assert client.get(url, params).context["data"].as_dict()["totals"]["served"] == before + 1
        client.force_login(other_town_admin)
        with django_assert_max_num_queries(cached_queries):
            client.get(url, params)


def test_overdue_orders_reach_the_report_without_the_periodic_check(
    client, town_admin, tuanjie, menu_item, django_capture_on_commit_callbacks
):
    """Orders submitted through the workflow and never taken count as overdue once their 48
    hours are up, though no periodic task has run."""
    import time_machine
    from django.urls import reverse

    from orders import submission as order_submission

    submitted = dt.datetime(2026, 10, 5, 9, tzinfo=SH)
    with time_machine.travel(submitted, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            for phone in ("13812341234", "13912341234"):
                order_submission.order_submit(
                    village=tuanjie, menu_item=menu_item, name="李大娘", phone=phone
                )
    assert normalise(rollup()) == normalise(reference())
    client.force_login(town_admin)
    for hours, expected in ((47, 0), (49, 2)):
        with time_machine.travel(submitted + dt.timedelta(hours=hours), tick=False):
            data = client.get(reverse("reports:orders"), {"from": "2026-10", "to": "2026-10"})
            data = data.context["data"]
        assert (data.totals.received, data.totals.overdue) == (2, expected)


def test_only_confirmed_order_hours_count(world):
    """Self-reported hours of a completed order stay out of the reports until confirmed."""
    villages, items, teams, _volunteers = world
    created = dt.datetime(2026, 3, 3, 10, tzinfo=SH)
    order = make_order(
        village=villages[0],
        menu_item=items[0],
        status=Order.Status.COMPLETED,
        created_at=created,
        accepted_at=created,
        completed_at=created,
        hours=3,
        accepted_team=teams[0],
        hours_confirmed=False,
    )
    row = VillageMonthCategory.objects.get(village=villages[0], month=dt.date(2026, 3, 1))
    assert (row.orders_completed, row.volunteer_hours) == (1, 0)
    assert OrderFact.objects.get(pk=order.pk).hours is None


def _published_event(village, category):
    return make_event(
        village=village,
        category=category,
        start=dt.datetime(2026, 4, 3, 9, tzinfo=SH),
        end=dt.datetime(2026, 4, 3, 11, tzinfo=SH),
        state="published",
        notify=False,
    )


def test_a_done_events_category_edited_in_the_admin_moves_its_figures(
    city_admin, tuanjie, lecture_category, django_capture_on_commit_callbacks
):
    """Staff may correct a done event's category in the admin (which saves the event): the
    rollup rows follow at the next refresh, not at the nightly rebuild."""
    from events import services as event_services

    event = _published_event(tuanjie, lecture_category)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_complete(user=city_admin, event=event, attendance=12)
    other = f.ServiceCategoryFactory(name="移风易俗", code="customs")
    with django_capture_on_commit_callbacks(execute=True):
        event.category = other
        event.save()
    rows = {
        r.category_id: r.events_done for r in VillageMonthCategory.objects.filter(village=tuanjie)
    }
    assert rows.get(other.pk) == 1 and not rows.get(lecture_category.pk)


def test_a_helper_taken_off_an_event_marks_its_village(city_admin, tuanjie, lecture_category):
    event = _published_event(tuanjie, lecture_category)
    helper = add_helper(event, f.VolunteerFactory(home_village=tuanjie), 2, notify=False)
    RollupPending.objects.all().delete()
    helper.delete()
    assert RollupPending.objects.filter(village_id=tuanjie.pk, event_id=event.pk).exists()

"""Every report figure for the last three months against an independent recount from the base
tables (orders and their status-change rows, events and their helpers, stations, plans and the
volunteers' standing history), as README "Report figures" defines them: the orders report in
total and by town, category, platform, team, channel and tier; the five standards, venue to
results, per station and per town; coverage, its gap list, and the volunteers report.

The recount walks the rows in Python, converting each moment to its Asia/Shanghai month by hand;
it shares no code with ``reports``. The data mixes random orders with the cases each definition
turns on: an order accepted in time, released and re-accepted late (not overdue); one accepted
and then cancelled, one accepted and then released (no longer accepted); a rating given the
month after the service; an event ending in the next month; a volunteer who joined and left, and
one who moved village; orders by every door and at every tier, accepted by a team, by a volunteer
alone (counted under the team offering the service, if any) or not yet; two menu items on one
platform; stations lacking an address or opening hours (blank or only spaces).
"""

import datetime as dt
import json
import random
import re
import statistics
from collections import defaultdict
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from events.models import Event, EventVolunteer, MonthlyPlan
from orders.models import Order
from reports import services, tables
from stations.models import Position, Town, Village
from tests import factories as f
from tests.reports.factories import SH, add_helper, make_event, make_order, submit_plan
from tests.reports.test_rollups import changes, overdue, random_path, standing_acceptance
from volunteers.models import Volunteer, VolunteerStanding
from volunteers.services import volunteers_set_active

NOW = dt.datetime(2026, 11, 15, 9, tzinfo=SH)
MONTHS = [dt.date(2026, m, 1) for m in (8, 9, 10)]
TEAM_MIN = 2
RESULTS_MIN = 4.0


def month_of(moment):
    if moment is None:
        return None
    local = moment.astimezone(SH)
    return dt.date(local.year, local.month, 1)


def at(month: dt.date, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(month.year, month.month, day, hour, tzinfo=SH)


@pytest.fixture
def world(city, settings):
    settings.WENMING_TEAM_MIN_VOLUNTEERS = TEAM_MIN
    settings.WENMING_RESULTS_MIN_RATING = RESULTS_MIN
    rng = random.Random(10)
    towns = [f.TownFactory(city=city, name=n) for n in ("洪绪镇", "龙泉街道")]
    villages = [f.VillageFactory(town=towns[i % 2], name=f"村{i}") for i in range(6)]
    # 村5 has no station; 村1's keeps no opening hours, 村3's address and 村4's hours are blank.
    venue = [{}, {"opening_hours": ""}, {}, {"address": "  "}, {"opening_hours": " \n"}]
    stations = [f.StationFactory(village=v, **venue[i]) for i, v in enumerate(villages[:5])]
    team = f.TeamFactory(village=villages[0])
    offering = f.TeamFactory(village=villages[1])  # offers items[1]
    platform = f.PlatformFactory()
    items = [
        f.MenuItemFactory(platform=platform),
        f.MenuItemFactory(team=offering),
        f.MenuItemFactory(platform=platform),
    ]
    for i, station in enumerate(stations):
        for month in MONTHS:
            if (i + month.month) % 3:
                submit_plan(station, month)

    # Volunteers, their history written by the real writers at the moments things happened.
    with time_machine.travel(at(MONTHS[0], 1), tick=False):
        people = [
            f.VolunteerFactory(home_village=villages[i % 6], joined_on=dt.date(2026, 3, 1))
            for i in range(14)
        ]
    with time_machine.travel(at(MONTHS[0], 20), tick=False):
        joined = f.VolunteerFactory(home_village=villages[1], joined_on=dt.date(2026, 8, 20))
    with time_machine.travel(at(MONTHS[1], 10), tick=False):
        volunteers_set_active(volunteer_ids=[joined.pk, people[3].pk], active=False)  # left
    with time_machine.travel(at(MONTHS[2], 5), tick=False):
        mover = people[0]
        mover.home_village = villages[5]
        mover.save()
        people[7].is_active = False
        people[7].save()
    with time_machine.travel(at(MONTHS[2], 31, 23), tick=False):
        people[8].is_active = False  # left in the last hour of October (Shanghai)
        people[8].save()
    people.append(joined)

    # The door, the tier and who accepted, from a generator of their own (the rest of the data
    # stays what ``rng`` made it).
    mix = random.Random(11)

    def varied():
        return {
            "team": mix.choice([team, team, offering, None]),
            "by": people[1],
            "channel": mix.choice(Order.Channel.values),
            "tier": mix.choice(Order.Tier.values),
        }

    S = Order.Status
    for _ in range(60):
        month = rng.choice(MONTHS)
        created = at(month, rng.randint(1, 28), rng.randint(0, 23))
        if rng.random() < 0.2:  # crowd the month boundaries
            created = at(month, 1, 0) - dt.timedelta(minutes=rng.randint(-300, 300))
        final = rng.choice(list(S))
        village, item = rng.choice(villages), rng.choice(items)
        _order(rng, village, item, path=random_path(rng, created, final), **varied())
    # The cases the definitions turn on.
    o = MONTHS[2]
    base = at(o, 3, 9)
    h = lambda n: base + dt.timedelta(hours=n)  # noqa: E731
    _order(rng, villages[0], items[0], team, [(S.SUBMITTED, h(0)), (S.ACCEPTED, h(47)),
           (S.OPEN, h(60)), (S.ACCEPTED, h(70)), (S.COMPLETED, h(90))])  # fmt: skip
    _order(rng, villages[0], items[0], team, [(S.SUBMITTED, h(0)), (S.ACCEPTED, h(49))])
    _order(rng, villages[1], items[1], team, [(S.SUBMITTED, h(0)), (S.ACCEPTED, h(3)),
           (S.CANCELLED, h(100))])  # fmt: skip
    _order(rng, villages[1], items[1], team, [(S.SUBMITTED, h(0)), (S.OPEN, h(1)),
           (S.ACCEPTED, h(3)), (S.OPEN, h(20))])  # fmt: skip
    _order(rng, villages[2], items[2], team, [(S.SUBMITTED, h(0)), (S.ACCEPTED, h(2)),
           (S.COMPLETED, at(o, 30)), (S.RATED, at(dt.date(2026, 11, 1), 2))])  # fmt: skip
    _order(rng, villages[3], items[0], team, [(S.SUBMITTED, h(0)), (S.CANCELLED, h(60))])
    make_event(
        village=villages[2],
        category=items[0].category,
        start=at(o, 31, 22),
        end=dt.datetime(2026, 11, 1, 2, tzinfo=SH),
        attendance=20,
        notify=False,
    )
    for _ in range(15):
        start = at(rng.choice(MONTHS), rng.randint(1, 28), rng.randint(0, 23))
        event = make_event(
            village=rng.choice(villages),
            category=rng.choice(items).category,
            start=start,
            end=start + dt.timedelta(hours=rng.choice([2, 30, 24 * 5])),
            state=rng.choice(["done", "done", "cancelled"]),
            attendance=rng.randint(0, 40),
            team=team,
            notify=False,
        )
        for person in rng.sample(people, 2):
            add_helper(
                event,
                person,
                rng.randint(1, 4),
                confirmed=rng.random() < 0.6,
                checked_in=rng.random() < 0.3,
                notify=False,
            )
    services.rebuild()
    return villages


def _order(rng, village, item, team, path, *, by=None, channel="web", tier="village"):
    """An order along ``path``, accepted (if it was) by ``team``, else by the volunteer ``by``
    alone."""
    S = Order.Status
    final = path[-1][0]
    last = {status: moment for status, moment in path}
    owned = final in (S.ACCEPTED, S.COMPLETED, S.RATED)
    return make_order(
        village=village,
        menu_item=item,
        status=final,
        created_at=path[0][1],
        accepted_at=last.get(S.ACCEPTED) if owned or final == S.CANCELLED else None,
        accepted_team=team if owned or (final == S.CANCELLED and S.ACCEPTED in last) else None,
        accepted_by=by if owned and team is None else None,
        channel=channel,
        tier=tier,
        completed_at=last.get(S.COMPLETED),
        rated_at=last.get(S.RATED),
        closed_at=last.get(S.CANCELLED) or last.get(S.REJECTED),
        stars=rng.randint(2, 5) if final == S.RATED else None,
        hours=Decimal(rng.randint(1, 6)) / 2 if final in (S.COMPLETED, S.RATED) else None,
        history=path,
        notify=False,
    )


# --- The recount --------------------------------------------------------------------------------


# What each of the orders report's tables groups an order by (README "Report figures").
GROUPS = {
    "by_town": lambda o: o.town_id,
    "by_category": lambda o: o.category_id,
    "by_platform": lambda o: o.menu_item.platform_id,
    # The team that accepted it, else the team that offers the menu item (or none).
    "by_team": lambda o: o.accepted_team_id or o.menu_item.team_id,
    "by_channel": lambda o: o.channel,
    "by_tier": lambda o: o.tier,
}


def recount_orders(month):
    """The orders report's figures for ``month``: under None the totals, under (table, key)
    those of one row of a table of ``GROUPS``, for each row with something in it."""
    out = defaultdict(lambda: defaultdict(list))
    for o in Order.objects.select_related("menu_item").prefetch_related("status_changes"):
        keys = [None, *((table, key(o)) for table, key in GROUPS.items())]
        for key in keys:
            t = out[key]
            if month_of(o.created_at) == month:
                t["received"].append(1)
                if overdue(o):
                    t["overdue"].append(1)
            accepted = standing_acceptance(o)
            if month_of(accepted) == month:
                t["to_accept"].append((accepted - o.created_at).total_seconds())
            if o.status in ("completed", "rated") and month_of(o.completed_at) == month:
                t["to_complete"].append((o.completed_at - o.created_at).total_seconds())
            if o.status == "rated" and month_of(o.rated_at) == month:
                t["stars"].append(o.stars)
    return {key: kpis(t) for key, t in out.items() if any(t.values())}


def kpis(t):
    """The figures of one row from its lists (an empty row: zeros and no medians)."""

    def median(seconds):
        return round(statistics.median(seconds) / 3600, 1) if seconds else None

    return {
        "received": len(t["received"]),
        "accepted": len(t["to_accept"]),
        "completed": len(t["to_complete"]),
        "rated": len(t["stars"]),
        "median_hours_to_accept": median(t["to_accept"]),
        "median_hours_to_complete": median(t["to_complete"]),
        "average_rating": round(sum(t["stars"]) / len(t["stars"]), 2) if t["stars"] else None,
        "overdue": len(t["overdue"]),
    }


def recount_standards(station, *, plan, volunteers, services, rated, average):
    """The five standards of ``station`` (a ``Position``) from its recounted figures."""
    return {
        "venue": bool(station.address.strip()) and bool(station.opening_hours.strip()),
        "plan": plan,
        "team": volunteers >= TEAM_MIN,
        "practice": services >= 1,
        "results": rated >= 1 and average >= RESULTS_MIN,
    }


def recount_services(month):
    """Per village: (services, hours, ratings, stars) in ``month``."""
    out = defaultdict(lambda: [0, Decimal(0), 0, 0])
    for o in Order.objects.all():
        if o.status in ("completed", "rated") and month_of(o.completed_at) == month:
            out[o.village_id][0] += 1
            out[o.village_id][1] += o.hours
        if o.status == "rated" and month_of(o.rated_at) == month:
            out[o.village_id][2] += 1
            out[o.village_id][3] += o.stars
    for e in Event.objects.filter(state="done", village__isnull=False):
        if month_of(e.end) == month:
            out[e.village_id][0] += 1
            for link in EventVolunteer.objects.filter(event=e):
                if link.confirmed or link.checked_in:
                    out[e.village_id][1] += link.hours
    return out


def recount_team(month):
    """Per village: the volunteers active and living there at the end of ``month``."""
    end = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=SH)
    latest = {}
    for row in VolunteerStanding.objects.order_by("since", "id"):
        if row.since < end:
            latest[row.volunteer_id] = row
    out = defaultdict(int)
    for row in latest.values():
        if row.is_active:
            out[row.village_id] += 1
    return out


def test_the_writers_kept_the_volunteers_history(world):
    """One row per change: the mover has two, those who left two, the others one."""
    counts = defaultdict(int)
    for volunteer_id in VolunteerStanding.objects.values_list("volunteer_id", flat=True):
        counts[volunteer_id] += 1
    assert sorted(counts.values()) == [1] * 10 + [2] * 5
    assert counts.keys() == set(Volunteer.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_every_figure_matches_a_recount(client, city_admin, world, month):
    client.force_login(city_admin)
    params = {"month": f"{month:%Y-%m}"}
    with time_machine.travel(NOW, tick=False):
        span = {"from": params["month"], "to": params["month"]}
        orders = client.get(reverse("reports-api:orders"), span).json()
        standards = client.get(reverse("reports-api:five-standards"), params).json()
        coverage = client.get(reverse("reports-api:coverage"), params).json()
        page = client.get(reverse("reports:volunteers"), span)
    people = page.context["data"].as_dict()

    expected = recount_orders(month)
    totals = expected.pop(None)
    assert orders["totals"] == totals
    for table in ("by_town", "by_category", "by_platform", "by_team"):
        assert {r["id"]: {k: r[k] for k in totals} for r in orders[table]} == {
            key: row for (t, key), row in expected.items() if t == table
        }, table
    # Every door and every tier is listed, also one with nothing in the month.
    nothing = kpis(defaultdict(list))
    for table, field, values in (
        ("by_channel", "channel", Order.Channel.values),
        ("by_tier", "tier", Order.Tier.values),
    ):
        assert [r[field] for r in orders[table]] == values
        assert {r[field]: {k: r[k] for k in totals} for r in orders[table]} == {
            value: expected.get((table, value), nothing) for value in values
        }, table

    served = recount_services(month)
    team = recount_team(month)
    plans = set(
        MonthlyPlan.objects.filter(month=month, status="submitted").values_list(
            "position", flat=True
        )
    )
    ticks = {}  # per village with a station: its five standards, recounted
    for station in Position.objects.filter(level="station"):
        n, _hours, rated, stars = served.get(station.village_id, [0, 0, 0, 0])
        average = round(stars / rated, 2) if rated else None
        ticks[station.village_id] = recount_standards(
            station,
            plan=station.pk in plans,
            volunteers=team.get(station.village_id, 0),
            services=n,
            rated=rated,
            average=average,
        )
        s = next(s for s in standards["stations"] if s["station_id"] == station.pk)
        assert (s["volunteers"], s["services"], s["ratings"], s["average_rating"]) == (
            team.get(s["village_id"], 0),
            n,
            rated,
            average,
        ), (month, s["village"])
        assert {k: s[k] for k in ticks[station.village_id]} == ticks[station.village_id]
        assert s["all_five"] == all(ticks[station.village_id].values())
    assert len(standards["stations"]) == 5
    villages = {v.pk: v for v in Village.objects.all()}
    fields = ["stations", "all_five", "venue", "plan", "team", "practice", "results"]
    per_town = defaultdict(lambda: dict.fromkeys(fields, 0))
    for village_id, standing in ticks.items():
        town = per_town[villages[village_id].town_id]
        town["stations"] += 1
        town["all_five"] += all(standing.values())
        for k, met in standing.items():
            town[k] += met
    assert {t["town_id"]: {k: t[k] for k in fields} for t in standards["towns"]} == per_town

    by_town = defaultdict(set)
    for village_id, (n, *_rest) in served.items():
        if n:
            by_town[villages[village_id].town_id].add(village_id)
    assert {r["id"]: r["served"] for r in coverage["rows"]} == {
        t: len(by_town.get(t, ())) for t in {v.town_id for v in villages.values()}
    }
    unserved = {v for v in villages if not served.get(v, [0])[0]}
    assert {g["village_id"] for g in coverage["gaps"]} == unserved
    # What else an unserved village's station lacks (None: no station).
    assert {g["village_id"]: g["lacks"] for g in coverage["gaps"]} == {
        v: [k for k, met in ticks[v].items() if not met] if v in ticks else None for v in unserved
    }

    active = defaultdict(int)
    for village_id, n in team.items():
        active[villages[village_id].town_id] += n
    hours = defaultdict(Decimal)
    for village_id, (_n, h, *_rest) in served.items():
        hours[villages[village_id].town_id] += h
    assert {t["town_id"]: t["active_volunteers"] for t in people["towns"]} == {
        t: active.get(t, 0) for t in {t["town_id"] for t in people["towns"]}
    }
    assert sum(active.values()) == people["totals"]["active_volunteers"]
    assert {t["town_id"]: t["hours"] for t in people["towns"]} == {
        t["town_id"]: float(hours.get(t["town_id"], 0)) for t in people["towns"]
    }


def test_the_recount_sees_each_case(world):
    """The data holds what the definitions turn on (else the comparison proves little)."""
    october = MONTHS[2]
    figures = recount_orders(october)[None]
    assert figures["overdue"] >= 1 and figures["accepted"] >= 1
    team_before, team_after = recount_team(MONTHS[1]), recount_team(october)
    assert team_before != team_after
    orders = list(Order.objects.prefetch_related("status_changes"))
    late = dt.timedelta(hours=48)
    assert any(
        [to for _, to in changes(o)].count("accepted") > 1
        and standing_acceptance(o) - o.created_at > late
        and not overdue(o)
        for o in orders
    ), "an order accepted in time, released and re-accepted late"
    assert any(
        o.status == "cancelled" and ("accepted" in dict(changes(o)).values()) for o in orders
    )
    assert any(o.status == "open" and ("accepted" in dict(changes(o)).values()) for o in orders)
    assert any(
        o.status == "rated" and month_of(o.rated_at) != month_of(o.completed_at) for o in orders
    )
    assert any(month_of(e.start) != month_of(e.end) for e in Event.objects.filter(state="done"))
    # The groupings: every month has orders by several doors, at several tiers, under the team
    # offering a service (accepted by a volunteer alone, or by nobody yet) and under none.
    for month in MONTHS:
        rows = recount_orders(month)
        for table in ("by_channel", "by_tier", "by_platform", "by_category"):
            assert len([key for key in rows if key and key[0] == table]) >= 2, (month, table)
    assert any(
        o.accepted_team_id is None and o.accepted_by_id and o.menu_item.team_id for o in orders
    )
    assert any(o.accepted_team_id is None and not o.menu_item.team_id for o in orders)
    venues = [
        bool(p.address.strip() and p.opening_hours.strip())
        for p in Position.objects.filter(level="station")
    ]
    assert venues.count(True) >= 1 and venues.count(False) == 3


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_a_page_lists_its_first_gaps_and_counts_every_one(
    client, city_admin, world, month, monkeypatch
):
    """A page reads only the gap villages it shows (``PAGE_ROWS``) and counts the rest in SQL:
    its count, its first rows and the export's full list agree with the recount."""
    monkeypatch.setattr(tables, "PAGE_ROWS", 1)
    client.force_login(city_admin)
    # Villages never served, in both towns, one with a station: more gaps than a page shows.
    for i, town in enumerate(Town.objects.order_by("pk")):
        f.StationFactory(village=f.VillageFactory(town=town, name=f"新村{i}"))
        f.VillageFactory(town=town, name=f"新村{i}")  # the same name: the id decides the order
    served = recount_services(month)
    villages = Village.objects.order_by("town__sort_order", "town__name", "name", "pk")
    unserved = [v for v in villages if not served.get(v.pk, [0])[0]]
    assert len(unserved) >= 2, "more gaps than the page shows"
    params = {"month": f"{month:%Y-%m}"}
    for where in ({}, {"town": unserved[0].town_id}):
        expected = [v for v in unserved if not where or v.town_id == where["town"]]
        with time_machine.travel(NOW, tick=False):
            page = client.get(reverse("reports:coverage"), {**params, **where})
            html = page.content.decode()
            export = client.get(
                reverse("reports:export", args=["coverage", "gaps", "csv"]), {**params, **where}
            ).content.decode("utf-8-sig")
            api = client.get(reverse("reports-api:coverage"), {**params, **where}).json()
        assert f"<dt>未服务</dt><dd>{len(expected)}</dd>" in html
        section = html[html.index('id="t-gaps"') :]
        section = section[: section.index("</section>")]
        listed = re.findall(r'<tr><th scope="row"><a href="[^"]*">([^<]*)</a>', section)
        assert listed == [expected[0].name]
        if len(expected) > 1:
            assert f"页面显示前 1 行，共 {len(expected)} 行" in section
        assert [line.split(",")[0] for line in export.splitlines()[1:]] == [
            v.name for v in expected
        ]
        assert api["gaps_total"] == len(api["gaps"]) == len(expected)
        # The page's figures are the full report's, its rows the first of the full list.
        shown = json.loads(json.dumps(page.context["data"].as_dict()))  # keys as JSON's
        for key in ("totals", "trend", "heat_max", "gaps_total", "rows_total"):
            assert shown[key] == api[key], key
        if where:  # a town's rows are its villages: the page reads the first
            assert api["rows_total"] == len(api["rows"]) > 1
            assert shown["rows"] == api["rows"][:1]
            assert f"页面显示前 1 行，共 {api['rows_total'] + 1} 行" in html  # and the total row
        else:
            assert shown["rows"] == api["rows"]


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_a_five_standards_page_lists_its_first_stations_and_tallies_every_one(
    client, city_admin, world, month, monkeypatch
):
    """The page scores every station for its totals and towns, and lists only the first
    (``PAGE_ROWS``): its figures are the full report's, its rows the first of the full list."""
    monkeypatch.setattr(tables, "PAGE_ROWS", 1)
    client.force_login(city_admin)
    params = {"month": f"{month:%Y-%m}"}
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("reports:standards"), params)
        api = client.get(reverse("reports-api:five-standards"), params).json()
    shown = json.loads(json.dumps(page.context["data"].as_dict()))
    for key in ("totals", "towns", "rules", "stations_total"):
        assert shown[key] == api[key], key
    assert api["stations_total"] == len(api["stations"]) == 5
    assert shown["stations"] == api["stations"][:1]
    html = page.content.decode()
    section = html[html.index('id="t-stations"') :]
    assert "页面显示前 1 行，共 5 行" in section[: section.index("</section>")]


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_an_orders_page_lists_its_first_teams_and_tallies_every_order(
    client, city_admin, world, month, monkeypatch
):
    """The page names and lists only the first teams (``PAGE_ROWS``): its figures are the full
    report's, its team rows the first of the full list."""
    monkeypatch.setattr(tables, "PAGE_ROWS", 1)
    client.force_login(city_admin)
    span = {"from": f"{month:%Y-%m}", "to": f"{month:%Y-%m}"}
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("reports:orders"), span)
        api = client.get(reverse("reports-api:orders"), span).json()
    shown = json.loads(json.dumps(page.context["data"].as_dict()))
    assert api["by_team_total"] == len(api["by_team"]) >= 2
    assert shown.pop("by_team") == api.pop("by_team")[:1]
    assert shown == api
    html = page.content.decode()
    section = html[html.index('id="t-team"') :]
    note = f"页面显示前 1 行，共 {api['by_team_total']} 行"
    assert note in section[: section.index("</section>")]

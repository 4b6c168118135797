"""English is a full second language: the catalogue is complete and the pages switch.

The catalogue checks read only locale/en/LC_MESSAGES/django.po itself, so a string another
change adds to the code but not yet to the .po never fails them (the next makemessages pass
picks it up). They parse the file with a small stdlib reader rather than a third-party library.
"""

import ast
import datetime as dt
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from events import services as event_services
from events.calendar import calendar_compile

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
CJK = re.compile(r"[\u3400-\u9fff]")
KEEP_CHINESE = {"简体中文"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """Parse the active (non-obsolete) entries of a .po file; the header entry is dropped."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None  # which field a continuation line extends
    started = False

    def finish():
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue  # obsolete: gettext ignores it
        elif line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if started:
                finish()
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: string outside an entry"
            name, index = target
            text = ast.literal_eval(line)
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if (
                keyword in ("msgctxt", "msgid")
                and started
                and (keyword == "msgctxt" or entry.msgctxt is None or entry.msgid)
            ):
                finish()
            started = True
            entry.line = entry.line or number
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if match:
                index = int(match.group(1) or 0)
                entry.msgstr[index] = text
                target = ("msgstr", index)
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                setattr(entry, keyword, text)
                target = (keyword, None)
            else:
                raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return [e for e in entries if e.msgid]


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return read_po(PO_PATH)


def describe(entry: Entry) -> str:
    return f"{PO_PATH.name}:{entry.line} {entry.msgid!r}"


def test_catalogue_is_not_trivially_small(po_entries):
    assert len(po_entries) > 300


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    problems = []
    for entry in po_entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {describe(entry)}")
        expected = 2 if entry.msgid_plural is not None else 1
        if len(entry.msgstr) != expected or not all(entry.msgstr.values()):
            problems.append(f"untranslated: {describe(entry)}")
    assert not problems, "\n".join(problems)


def test_translations_keep_placeholders_and_are_english(po_entries):
    problems = []
    for entry in po_entries:
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders {text!r}: {describe(entry)}")
            # Chinese only where it is data a reader picks: the language picker names Chinese in
            # Chinese (the village search example is in pinyin in English: issue 16).
            if CJK.search(text) and entry.msgid not in KEEP_CHINESE:
                problems.append(f"Chinese left in {text!r}: {describe(entry)}")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_matches_the_po(po_entries):
    """The committed .mo is what Django loads: a fresh clone must not need gettext tools."""
    with MO_PATH.open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    stale = []
    for entry in po_entries:
        if entry.msgid_plural is not None:
            got = [catalog.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            want = [entry.msgstr[0], entry.msgstr[1]]
        elif entry.msgctxt is not None:
            got, want = catalog.pgettext(entry.msgctxt, entry.msgid), entry.msgstr[0]
        else:
            got, want = catalog.gettext(entry.msgid), entry.msgstr[0]
        if got != want:
            stale.append(describe(entry))
    assert not stale, "run `manage.py compilemessages`; stale in .mo:\n" + "\n".join(stale)


def test_po_reader_handles_plurals_flags_and_continuations(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py\n#, fuzzy, python-format\nmsgid "甲"\nmsgstr "A"\n\n'
        'msgid "%(n)s 项"\nmsgid_plural "%(n)s 项"\nmsgstr[0] "%(n)s item"\n'
        'msgstr[1] ""\n"%(n)s items"\n\n'
        'msgctxt "月"\nmsgid "一"\nmsgstr ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    first, plural, context = read_po(po)
    assert (first.msgid, first.msgstr, first.flags) == ("甲", {0: "A"}, {"fuzzy", "python-format"})
    assert plural.msgstr == {0: "%(n)s item", 1: "%(n)s items"}
    assert (context.msgctxt, context.msgid, context.msgstr) == ("月", "一", {0: ""})


# --- Pages ---------------------------------------------------------------------------------


def english_page(response, *phrases: str) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    for phrase in phrases:
        assert phrase in body, phrase
    return body


@pytest.mark.django_db
def test_home_page_in_english(client, tuanjie_station, menu_item):
    body = english_page(
        client.get("/", **EN),
        "New Era Civilization Practice",
        "Village (community) practice stations",
        "Skip to content",
        "Event calendar",  # navigation
    )
    assert "实践阵地全覆盖" not in body


@pytest.mark.django_db
def test_login_page_in_english(client):
    body = english_page(client.get(reverse("login"), **EN), "Username", "Password", "Log in")
    assert "用户名" not in body


@pytest.mark.django_db
def test_calendar_in_english(client):
    body = english_page(client.get("/calendar/", **EN), "Event list", "Print version", "Mon", "Sun")
    assert "活动列表" not in body


@pytest.mark.django_db
def test_calendar_dates_and_labels_follow_the_language(
    client, city_admin, tuanjie, lecture_category
):
    tz = timezone.get_default_timezone()
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=tz), tick=False):
        event = event_services.event_create(
            user=city_admin,
            title="民法典宣讲",
            category=lecture_category,
            village=tuanjie,
            venue_address="村文化广场",
            start=dt.datetime(2026, 12, 3, 9, tzinfo=tz),
            end=dt.datetime(2026, 12, 3, 11, tzinfo=tz),
        )
        event_services.event_publish(user=city_admin, event=event)
        calendar_compile(month=dt.date(2026, 12, 1))

        english_page(
            client.get("/calendar/2026-12/", **EN),
            "Thursday 3 December",
            "Location: 村文化广场",  # the label is translated, the data is not
            "1 event · version 1",
            "民法典宣讲",
        )
        chinese = client.get("/calendar/2026-12/").content.decode()
    assert "12月3日 星期四" in chinese
    assert "地点：村文化广场" in chinese


@pytest.mark.django_db
def test_order_form_in_english(client, tuanjie_station, menu_item):
    try:
        url = reverse("orders:new")
    except NoReverseMatch:
        pytest.skip("the order form (orders:new) is not installed yet")
    # Step 1 picks the village; the form itself is step 2 (?village=, as station posters link).
    url = f"{url}?village={tuanjie_station.village_id}"
    body = english_page(client.get(url, **EN), "Mobile number", "Place the order")
    assert "手机号" not in body


@pytest.mark.django_db
def test_chinese_stays_the_default(client):
    response = client.get(reverse("login"))
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "用户名" in response.content.decode()


# --- The language switch in base.html ---------------------------------------------------------


@pytest.mark.django_db
def test_language_switch_form_is_on_every_page(client):
    body = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in body
    assert 'name="language"' in body
    # Each language is named in itself, whatever the page's language.
    assert '<option value="en" lang="en">English</option>' in body
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in body
    assert 'name="next" type="hidden" value="/"' in body


@pytest.mark.django_db
def test_switching_to_english_sets_the_cookie_and_next_pages_are_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/calendar/"})
    assert response.status_code == 302
    assert response["Location"] == "/calendar/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    english_page(client.get("/calendar/"), "Event list")
    body = english_page(client.get(reverse("login")), "Username")
    assert '<option value="en" lang="en" selected>English</option>' in body

    # And back: the same form returns the site to Chinese.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_switch_refuses_an_unknown_language_and_an_offsite_next(client):
    response = client.post(
        reverse("set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# --- API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_errors_in_english(client, volunteer_user):
    anonymous = client.get("/api/me/", **EN)
    assert anonymous.status_code == 401
    assert not CJK.search(anonymous.json()["detail"])

    client.force_login(volunteer_user)
    missing = client.get("/api/villages/999999/", **EN)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Not found."

    bad = client.get("/api/calendars/2026-13/", **EN)
    assert bad.status_code == 404
    assert bad.json()["detail"] == "The month must be in the form YYYY-MM, e.g. 2026-12."
    assert not CJK.search(str(bad.json()))


# --- No stray Chinese on the English pages --------------------------------------------------
# Every place, person and text below is ASCII, so any Chinese left on an English page is a label,
# a piece of punctuation or a fragment outside the catalogue, not data.

# Chinese kept on purpose: the picker names Chinese in Chinese, and the village search example
# is a real village name (see KEEP_CHINESE above).
ALLOWED_CHINESE = ("简体中文", "e.g. 团结")


def assert_no_chinese(body: str, where: str) -> None:
    for kept in ALLOWED_CHINESE:
        body = body.replace(kept, "")
    stray = sorted({line.strip() for line in body.splitlines() if CJK_OR_FULL_WIDTH.search(line)})
    assert not stray, f"{where}: Chinese on the English page:\n" + "\n".join(stray)


CJK_OR_FULL_WIDTH = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def english_world(db):
    """A town, a village with a reviewing station, a volunteer, the three area admins, and an
    order in each state that the pages show, all with ASCII names.

    The orders are made in the default language, Chinese: the timeline stores codes and is
    rendered in the reader's language, so the English pages show no Chinese from it.
    """
    from decimal import Decimal

    from orders import services as order_services
    from orders import submission as order_submission
    from orders.models import Order, VolunteerSkill
    from stations.models import Role
    from tests import factories as f

    city = f.CityFactory(name="Tengzhou")
    town = f.TownFactory(city=city, name="Hongxu")
    village = f.VillageFactory(town=town, name="Tuanjie")
    station = f.StationFactory(
        village=village,
        name="Tuanjie station",
        address="Village hall",
        opening_hours="Mon-Fri 8:30-17:30",
        head_name="Wang",
        review_orders=True,
    )
    category = f.ServiceCategoryFactory(name="Lectures", code="lecture")
    item = f.MenuItemFactory(
        title="Policy talk", platform=f.PlatformFactory(name="Theory"), category=category
    )
    vol_user = f.UserFactory(username="v-en", first_name="Li Ming")
    volunteer = f.VolunteerFactory(
        name="Li Ming", home_village=village, user=vol_user, phone="13900001111"
    )
    VolunteerSkill.objects.create(volunteer=volunteer, category=category)
    head = f.UserFactory(username="head-en", first_name="Wang")
    Role.objects.create(user=head, kind=Role.Kind.STATION_HEAD, city=city, position=station)
    town_admin = f.UserFactory(username="town-en")
    Role.objects.create(user=town_admin, kind=Role.Kind.TOWN_ADMIN, city=city, town=town)

    def submit(phone: str):
        return order_submission.order_submit(
            village=village,
            menu_item=item,
            name="Aunt Li",
            phone=phone,
            description="A talk on the new rural health insurance",
            preferred_date=dt.date(2026, 12, 5),
            preferred_window="morning",
            people=20,
        ).order

    submitted = submit("13812340001")
    opened = order_services.order_approve(order_id=submit("13812340002").pk, actor=head)
    accepted = order_services.order_approve(order_id=submit("13812340003").pk, actor=head)
    accepted = order_services.order_claim(order_id=accepted.pk, actor=vol_user)
    completed = order_services.order_approve(order_id=submit("13812340004").pk, actor=head)
    order_services.order_claim(order_id=completed.pk, actor=vol_user)
    completed = order_services.order_complete(
        order_id=completed.pk, actor=vol_user, hours=Decimal("2.5"), note="Talk given"
    )
    rated = order_services.order_approve(order_id=submit("13812340005").pk, actor=head)
    order_services.order_claim(order_id=rated.pk, actor=vol_user)
    order_services.order_complete(
        order_id=rated.pk, actor=vol_user, hours=Decimal("1"), note="Talk given"
    )
    # Two stars: the order asks for a follow-up call.
    rated = order_services.order_rate(
        tracking_token=rated.tracking_token, stars=2, comment="Too short"
    )
    # Received three days ago and still open: overdue, to show the badge.
    Order.objects.filter(pk=opened.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    return {
        "village": village,
        "volunteer": vol_user,
        "head": head,
        "town_admin": town_admin,
        "orders": {
            "submitted": submitted,
            "open": opened,
            "accepted": accepted,
            "completed": completed,
            "rated": rated,
        },
    }


def english_pages(world):
    """(who is logged in, URL) for every page with an order or a form on it."""
    orders = world["orders"]
    village = world["village"]
    yield None, "/"
    yield None, reverse("orders:new")
    yield None, f"{reverse('orders:new')}?q=Tuan"  # no town chosen: "Tuanjie (Hongxu)"
    yield None, f"{reverse('orders:new')}?village={village.pk}"
    for state in ("accepted", "completed", "rated"):
        yield None, reverse("orders:track", args=[orders[state].tracking_token])
    yield "volunteer", reverse("orders:volunteer_dashboard")
    yield "volunteer", reverse("volunteers:my_records")
    yield "head", reverse("volunteers:certificates")
    yield "head", reverse("orders:station_orders")
    for order in orders.values():
        yield "head", reverse("orders:station_order_detail", args=[order.pk])
    yield "head", reverse("events:plans")
    yield "town_admin", reverse("orders:town_orders")


@pytest.mark.django_db
def test_english_pages_have_no_stray_chinese(client, english_world):
    seen = set()
    for who, url in english_pages(english_world):
        if who is None:
            client.logout()
        else:
            client.force_login(english_world[who])
        response = client.get(url, **EN)
        if response.status_code == 302:  # a plans index redirects to this month
            response = client.get(response["Location"], **EN)
        body = english_page(response)
        assert_no_chinese(body, f"{who or 'anonymous'} {url}")
        seen.add(url)
    assert len(seen) >= 15


@pytest.mark.django_db
def test_english_order_pages_read_as_english(client, english_world):
    """The fixes themselves: brackets, colons and counts come from the catalogue."""
    orders = english_world["orders"]
    client.force_login(english_world["volunteer"])
    body = english_page(
        client.get(reverse("orders:volunteer_dashboard"), **EN),
        "My orders (1)",
        "20 people",
        "Contact: A** 138****0002",
        ">Claim</button>",
    )
    assert "Overdue" in body  # the open order, received three days ago

    client.force_login(english_world["head"])
    english_page(
        client.get(reverse("orders:station_orders"), **EN),
        "Accepted by: Li Ming",
    )
    english_page(
        client.get(reverse("orders:station_order_detail", args=[orders["completed"].pk]), **EN),
        "Policy talk (Lectures)",
        "<dt>Accepted by</dt>",
        "2.5 hours (",
    )
    english_page(
        client.get(reverse("orders:track", args=[orders["rated"].tracking_token]), **EN),
        "2 stars Too short",
    )
    english_page(client.get(f"{reverse('orders:new')}?q=Tuan", **EN), "Tuanjie (Hongxu)")
    english_page(client.get("/", **EN), "Activity plans")  # the admin's navigation


@pytest.mark.django_db
def test_chinese_order_pages_are_unchanged(client, english_world):
    """The same pages in Chinese keep their full-width punctuation."""
    client.force_login(english_world["volunteer"])
    body = client.get(reverse("orders:volunteer_dashboard")).content.decode()
    assert "我接的单（1）" in body and "20 人" in body and "联系人：A**" in body
    client.force_login(english_world["head"])
    detail = reverse("orders:station_order_detail", args=[english_world["orders"]["completed"].pk])
    body = client.get(detail).content.decode()
    assert "Policy talk（Lectures）" in body and "2.5 小时（" in body
    assert "接单：Li Ming" in client.get(reverse("orders:station_orders")).content.decode()


# --- Management commands follow the active language ------------------------------------------


@pytest.mark.django_db
def test_demo_command_output_follows_the_language(settings):
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.utils import translation

    settings.DEBUG = False  # refused at once: no seeding needed to see the message
    with pytest.raises(CommandError) as chinese:
        call_command("demo", no_server=True, verbosity=0, stdout=StringIO())
    assert "生产模式（DJANGO_DEBUG=0）" in str(chinese.value)
    with translation.override("en"), pytest.raises(CommandError) as english:
        call_command("demo", no_server=True, verbosity=0, stdout=StringIO())
    assert str(english.value).startswith("Refused: demo is for local demonstrations only")
    assert not CJK.search(str(english.value))

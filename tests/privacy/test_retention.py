"""Issue 14, finding 8: residents' names and phones are erased WENMING_RETENTION_DAYS after the
order closed or the event ended, by the beat task and ``manage.py anonymise``; idempotent, and
the reports do not change."""

import datetime as dt
from io import StringIO

import time_machine
from django.conf import settings
from django.core.management import call_command

from events.models import CheckIn
from orders import services
from orders.models import Order
from privacy import tasks
from privacy.models import PersonalDataAction
from reports.models import OrderFact, VillageMonthCategory
from tests.privacy.conftest import LONG_AGO, RECENT, S


def _facts():
    """The report figures, rebuilt from the base tables."""
    call_command("rebuild_rollups", stdout=StringIO())
    return (
        sorted(OrderFact.objects.values_list("order_id", "status", "village_id")),
        sorted(VillageMonthCategory.objects.values_list("village_id", "month", "category_id")),
    )


def test_command_erases_closed_orders_and_past_checkins_only(make_order, make_checkin, now):
    old_rated = make_order(S.RATED, when=LONG_AGO)
    old_cancelled = make_order(S.CANCELLED, when=LONG_AGO, phone="13900000001")
    old_but_live = make_order(S.ACCEPTED, when=LONG_AGO, phone="13900000002")
    recent_done = make_order(S.COMPLETED, when=RECENT, phone="13900000003")
    old_checkin = make_checkin(when=LONG_AGO)
    recent_checkin = make_checkin(when=RECENT)
    facts = _facts()
    assert facts[0] and facts[1]

    out = StringIO()
    call_command("anonymise", stdout=out)
    assert "已匿名化 2 个点单、1 条签到" in out.getvalue()

    for order in (old_rated, old_cancelled):
        order.refresh_from_db()
        assert (order.name, order.phone) == ("", "")
        assert order.anonymised_at == now
        assert order.masked_phone == ""
    old_rated.refresh_from_db()
    assert old_rated.status == S.RATED and old_rated.stars and old_rated.hours  # the order stays
    for order in (old_but_live, recent_done):
        order.refresh_from_db()
        assert order.name == "李大娘" and order.phone and order.anonymised_at is None
    old_checkin.refresh_from_db()
    recent_checkin.refresh_from_db()
    assert (old_checkin.name, old_checkin.phone) == ("", "") and old_checkin.anonymised_at
    assert recent_checkin.phone == "13812341234" and recent_checkin.anonymised_at is None
    assert CheckIn.objects.count() == 2 and Order.objects.count() == 4
    assert _facts() == facts  # reports and rollups unaffected

    log = PersonalDataAction.objects.get()
    assert (log.kind, log.orders, log.checkins, log.actor) == ("retention", 2, 1, None)


def test_idempotent_second_run_changes_nothing(make_order, make_checkin, now):
    make_order(S.COMPLETED, when=LONG_AGO)
    make_checkin(when=LONG_AGO)
    first = tasks.anonymise_expired()
    assert (first["orders"], first["checkins"]) == (1, 1)
    stamp = Order.objects.get().anonymised_at
    assert tasks.anonymise_expired() == {
        "orders": 0,
        "checkins": 0,
        "wishes": 0,
        "applications": 0,
        "partner_accounts": 0,
        "notifications": 0,
        "phone_codes": 0,
        "subscriptions": 0,
    }
    out = StringIO()
    call_command("anonymise", stdout=out)
    assert "已匿名化 0 个点单、0 条签到" in out.getvalue()
    assert Order.objects.get().anonymised_at == stamp
    assert PersonalDataAction.objects.count() == 1  # runs that changed nothing leave no row


def test_dry_run_counts_and_changes_nothing(make_order, now):
    make_order(S.REJECTED, when=LONG_AGO)
    out = StringIO()
    call_command("anonymise", "--dry-run", stdout=out)
    assert "将匿名化 1 个点单、0 条签到" in out.getvalue()
    assert Order.objects.get().phone == "13812341234"
    assert not PersonalDataAction.objects.exists()


def test_retention_days_setting(make_order, settings, now):
    settings.WENMING_RETENTION_DAYS = 30
    order = make_order(S.COMPLETED, when=now - dt.timedelta(days=31))
    assert tasks.anonymise_expired()["orders"] == 1
    order.refresh_from_db()
    assert order.phone == ""


def test_a_late_rating_restarts_the_clock(make_order, volunteer, now):
    """Closed = the last thing that happened: a rating months after completion counts from then."""
    order = make_order(S.COMPLETED, when=LONG_AGO)
    with time_machine.travel(RECENT, tick=False):
        services.order_rate(tracking_token=order.tracking_token, stars=5)
    assert tasks.anonymise_expired()["orders"] == 0


def test_beat_runs_it_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-anonymise-expired"]
    assert entry["task"] == "privacy.anonymise_expired"
    assert settings.WENMING_RETENTION_DAYS == 365

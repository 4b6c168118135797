"""Service records: pending until someone other than the volunteer confirms; only confirmed
hours count; every confirmation, correction and revocation is an audit row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.errors import InvalidInput, InvalidTransition, NotInScope, PermissionDenied
from volunteers import records, selectors
from volunteers.models import ServiceRecord, ServiceRecordChange, mask_id_number, mask_name

pytestmark = pytest.mark.django_db
S = ServiceRecord.Status


def make(volunteer, *, hours="2.0", source_id=1, kind="event", **extra):
    extra.setdefault("village", volunteer.home_village)
    record, _ = records.record_create(
        volunteer=volunteer,
        hours=hours,
        service_date=dt.date(2026, 11, 3),
        content="文明宣讲进村",
        source_kind=kind,
        source_id=source_id,
        **extra,
    )
    return record


def test_a_new_record_is_pending_and_does_not_count(volunteer, volunteer_user):
    record = make(volunteer, recorded_by=volunteer_user)
    volunteer.refresh_from_db()
    assert record.status == S.PENDING
    assert volunteer.hours_total == 0
    assert record.recorded_by == volunteer_user
    change = record.changes.get()
    assert (change.action, change.to_status, change.new_hours) == ("create", "pending", Decimal(2))


def test_same_source_twice_is_one_record(volunteer):
    first = make(volunteer)
    again, created = records.record_create(
        volunteer=volunteer,
        hours="5",
        service_date=dt.date(2026, 11, 3),
        content="again",
        source_kind="event",
        source_id=1,
    )
    assert not created and again.pk == first.pk and again.hours == Decimal("2.0")
    assert ServiceRecord.objects.count() == 1


@pytest.mark.parametrize("hours", ["0", "-1", "24.1", "100", "abc", "NaN", "Infinity", None])
def test_hours_outside_0_24_are_refused(volunteer, hours):
    with pytest.raises(InvalidInput) as exc:
        make(volunteer, hours=hours)
    assert "hours" in exc.value.fields
    assert not ServiceRecord.objects.exists()


def test_hours_keep_one_decimal(volunteer):
    # More than one decimal place is refused, not rounded (tests/volunteers/test_hours.py).
    assert make(volunteer, hours="24").hours == Decimal("24.0")


def test_database_refuses_hours_out_of_range(volunteer):
    record = make(volunteer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.filter(pk=record.pk).update(hours=0)


def test_date_outside_2000_2100_refused(volunteer):
    with pytest.raises(InvalidInput):
        records.record_create(
            volunteer=volunteer, hours=1, service_date=dt.date(1999, 1, 1), content="x"
        )


def test_station_head_confirms_and_hours_count(volunteer, station_head):
    record = make(volunteer)
    record, changed = records.record_confirm(record_id=record.pk, actor=station_head)
    assert changed
    record.refresh_from_db()
    volunteer.refresh_from_db()
    assert record.status == S.CONFIRMED and record.confirmed_by == station_head
    assert record.confirmed_at is not None
    assert volunteer.hours_total == Decimal("2.0")
    change = record.changes.get(action="confirm")
    assert (change.from_status, change.to_status, change.actor) == (
        "pending",
        "confirmed",
        station_head,
    )


def test_double_confirm_is_a_no_op(volunteer, station_head, town_admin):
    record = make(volunteer)
    records.record_confirm(record_id=record.pk, actor=station_head)
    _, changed = records.record_confirm(record_id=record.pk, actor=town_admin)
    assert not changed
    assert records.records_confirm(record_ids=[record.pk, record.pk], actor=station_head) == 0
    assert records.records_confirm_for_source(source_kind="event", source_id=1) == 0
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.0")
    assert record.changes.filter(action="confirm").count() == 1


def test_volunteer_cannot_confirm_own_hours(volunteer, volunteer_user, station_head):
    record = make(volunteer)
    # Even a volunteer who also heads the station: someone else must confirm.
    from stations.models import Role

    Role.objects.filter(user=station_head).update(user=volunteer_user)
    with pytest.raises(PermissionDenied):
        records.record_confirm(record_id=record.pk, actor=volunteer_user)
    record.refresh_from_db()
    assert record.status == S.PENDING


def test_other_town_cannot_confirm(volunteer, other_town_admin):
    record = make(volunteer)
    with pytest.raises(NotInScope):
        records.record_confirm(record_id=record.pk, actor=other_town_admin)
    record.refresh_from_db()
    assert record.status == S.PENDING


def test_town_event_confirmed_by_town_admin_not_station_head(
    volunteer, hongxu, town_admin, station_head
):
    record = make(volunteer, village=None, town=hongxu)
    with pytest.raises(NotInScope):
        records.record_confirm(record_id=record.pk, actor=station_head)
    assert records.record_confirm(record_id=record.pk, actor=town_admin)[1]


def test_bulk_confirm(volunteer, station_head, other_village):
    a, b = make(volunteer), make(volunteer, source_id=2, hours="3")
    elsewhere = make(volunteer, source_id=3, village=other_village)
    assert records.records_confirm(record_ids=[a.pk, b.pk, elsewhere.pk], actor=station_head) == 2
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("5.0")
    elsewhere.refresh_from_db()
    assert elsewhere.status == S.PENDING


def test_confirm_by_rating(volunteer):
    record = make(volunteer, kind="order", source_id=9)
    assert (
        records.records_confirm_for_source(source_kind="order", source_id=9, actor_label="群众评价")
        == 1
    )
    record.refresh_from_db()
    assert record.status == S.CONFIRMED and record.confirmed_label == "群众评价"


def test_correct_confirmed_moves_total_and_audits(volunteer, station_head):
    record = make(volunteer)
    records.record_confirm(record_id=record.pk, actor=station_head)
    with pytest.raises(InvalidInput):
        records.record_correct(record_id=record.pk, actor=station_head, hours="1.5", note="")
    records.record_correct(record_id=record.pk, actor=station_head, hours="1.5", note="记错了")
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("1.5")
    change = record.changes.get(action="correct")
    assert (change.old_hours, change.new_hours, change.note) == (
        Decimal("2.0"),
        Decimal("1.5"),
        "记错了",
    )


def test_revoke_confirmed_takes_hours_back(volunteer, station_head):
    record = make(volunteer)
    records.record_confirm(record_id=record.pk, actor=station_head)
    records.record_revoke(record_id=record.pk, actor=station_head, reason="代刷时长")
    records.record_revoke(record_id=record.pk, actor=station_head, reason="again")
    volunteer.refresh_from_db()
    record.refresh_from_db()
    assert record.status == S.REVOKED and volunteer.hours_total == 0
    assert record.changes.filter(action="revoke").count() == 1
    with pytest.raises(InvalidTransition):
        records.record_confirm(record_id=record.pk, actor=station_head)


def test_pending_overdue_listed_for_organiser(volunteer, station_head, other_town_admin):
    from django.utils import timezone

    from stations.scope import scope_for

    old = make(volunteer)
    make(volunteer, source_id=2)
    ServiceRecord.objects.filter(pk=old.pk).update(
        recorded_at=timezone.now() - dt.timedelta(days=31)
    )
    assert list(selectors.pending_overdue(scope_for(station_head))) == [old]
    assert not selectors.pending_overdue(scope_for(other_town_admin)).exists()


def test_confirmed_hours_selector(volunteer, station_head):
    a = make(volunteer)
    make(volunteer, source_id=2, hours="3")
    records.record_confirm(record_id=a.pk, actor=station_head)
    assert selectors.confirmed_hours(volunteer) == Decimal("2.0")
    assert selectors.confirmed_hours(volunteer, start=dt.date(2026, 12, 1)) == 0


def test_audit_rows_cannot_be_lost_with_their_record(volunteer):
    record = make(volunteer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.filter(pk=record.pk).delete()
    assert ServiceRecordChange.objects.filter(record=record).exists()


def test_masks():
    assert mask_id_number("370481199001011234") == "370481********1234"
    assert mask_id_number("E1234567") == "E******7"
    assert mask_id_number("") == ""
    assert mask_name("张明") == "张*" and mask_name("欧阳小明") == "欧***"

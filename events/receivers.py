"""Keep an event's volunteer list in step with its volunteers' service records, wherever a
record is confirmed, corrected or revoked (the event page, the overdue list, the API); and
retire the calendar answers kept for the public when a version is published or deleted."""

from django.db.models.signals import post_delete, post_save

from core import generations
from volunteers.models import ServiceRecord
from volunteers.signals import service_record_saved


def on_service_record_saved(sender, *, record: ServiceRecord, **kwargs) -> None:
    if record.source_kind != ServiceRecord.SourceKind.EVENT or record.source_id is None:
        return
    from events.hours import mirror

    mirror(record)


def on_calendar_version_changed(sender, **kwargs) -> None:
    generations.bump(generations.CALENDAR)


def connect() -> None:
    from events.models import PublishedCalendar

    for signal in (post_save, post_delete):
        signal.connect(
            on_calendar_version_changed, sender=PublishedCalendar, dispatch_uid="events.calendar"
        )
    service_record_saved.connect(on_service_record_saved, dispatch_uid="events.record_mirror")

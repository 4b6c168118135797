"""Keep an event's volunteer list in step with its volunteers' service records, wherever a
record is confirmed, corrected or revoked (the event page, the overdue list, the API)."""

from volunteers.models import ServiceRecord
from volunteers.signals import service_record_saved


def on_service_record_saved(sender, *, record: ServiceRecord, **kwargs) -> None:
    if record.source_kind != ServiceRecord.SourceKind.EVENT or record.source_id is None:
        return
    from events.hours import mirror

    mirror(record)


def connect() -> None:
    service_record_saved.connect(on_service_record_saved, dispatch_uid="events.record_mirror")

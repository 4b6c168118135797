"""Fill ``actor_kind``, ``note_kind`` and ``note_data`` of the timeline rows written before them.

Until 0003 a row kept only text, in the language of whoever made the change: Chinese, or English
since the English catalogue came. A row is mapped only where its text is one the code wrote
(``orders.services`` and ``orders.demo_history``), in either language; anything else keeps blank
codes and is shown as stored. ``actor_label`` and ``note`` are left as they were, so going back
needs nothing undone (``noop``).
"""

import re

from django.db import migrations

# What the code wrote, in Chinese and in the English of the catalogue at the time.
ACTOR_LABELS = {
    "resident": ("居民", "Resident"),
    "system": ("系统", "System"),
    "station_head": ("站长", "Station head"),
    "town_admin": ("镇街管理员", "Town administrator"),
    "city_admin": ("市级管理员", "City administrator"),
    "admin": ("管理员", "Administrator"),
}
# A volunteer's given name was written for claims (→ accepted), reports (→ completed) and
# releases (→ open): an unmatched label on those steps is that name.
VOLUNTEER_STEPS = ("accepted", "completed", "open")
AUTO_OPENED = (
    "本站未开启审核，自动开放接单。",
    "This station does not review orders, so the order is open for claiming at once.",
)
ASSIGNED = re.compile(r"(?:派单给|Assigned to) (?P<who>.+)", re.DOTALL)
# "4 星：很好" / "4 星"; English "4 stars: Fine", "1 star", and an older "4 stars：Fine".
RATED = re.compile(r"(?P<stars>[1-5]) (?:星|stars?)(?:(?:：|: ?)(?P<comment>.*))?", re.DOTALL)
BATCH = 2000


def forward(apps, schema_editor):
    Change = apps.get_model("orders", "OrderStatusChange")
    unmapped = Change.objects.filter(actor_kind="")
    for kind, labels in ACTOR_LABELS.items():
        unmapped.filter(actor_label__in=labels).update(actor_kind=kind)
    unmapped.filter(to_status__in=VOLUNTEER_STEPS).exclude(actor_label="").update(
        actor_kind="volunteer"
    )

    notes = Change.objects.filter(note_kind="")
    notes.filter(to_status="open", note__in=AUTO_OPENED).update(
        note_kind="auto_opened", note_data={}
    )
    # Both patterns below only ever matched notes the system wrote on these steps: a claim has
    # no note, and a rating's note was always the stars sentence.
    for to_status, pattern, data_of, kind in (
        ("accepted", ASSIGNED, lambda m: {"who": m["who"]}, "assigned"),
        (
            "rated",
            RATED,
            lambda m: {"stars": int(m["stars"]), "comment": m["comment"] or ""},
            "rated",
        ),
    ):
        # Read first, then write: SQLite gives no isolation between a cursor still being read
        # and updates to the same table on the connection.
        rows = list(
            notes.filter(to_status=to_status).exclude(note="").values_list("id", "note")
        )
        matched = []
        for pk, note in rows:
            match = pattern.fullmatch(note)
            if match is not None:
                matched.append(Change(id=pk, note_kind=kind, note_data=data_of(match)))
        Change.objects.bulk_update(matched, ["note_kind", "note_data"], batch_size=BATCH)

class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_timeline_codes"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]

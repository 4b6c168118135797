"""One resident's records as a file they can take away: JSON or CSV (UTF-8 with a BOM, so that
Excel opens the Chinese correctly)."""

from __future__ import annotations

import csv
import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.services import ResidentRecords


def _time(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def as_dict(records: ResidentRecords) -> dict:
    return {
        "phone": records.phone,
        "exported_at": _time(timezone.now()),
        "orders": [
            {
                "number": o.number,
                "submitted_at": _time(o.created_at),
                "village": o.village.name,
                "service": o.menu_item.title,
                "status": str(o.get_status_display()),
                "name": o.name,
                "phone": o.phone,
                "description": o.description,
                "preferred_date": o.preferred_date.isoformat() if o.preferred_date else None,
                "people": o.people,
                "stars": o.stars,
                "rating_comment": o.rating_comment,
            }
            for o in records.orders
        ],
        "checkins": [
            {
                "event": c.event.title,
                "event_start": _time(c.event.start),
                "checked_in_at": _time(c.created_at),
                "name": c.name,
                "phone": c.phone,
            }
            for c in records.checkins
        ],
        "volunteer_applications": [
            {
                "submitted_at": _time(a.created_at),
                "village": a.village.name,
                "status": str(a.get_status_display()),
                "decided_at": _time(a.decided_at),
                "name": a.name,
                "phone": a.phone,
                "note": a.note,
            }
            for a in records.applications
        ],
        "wishes": [
            {
                "submitted_at": _time(w.created_at),
                "village": w.village.name,
                "category": w.category.name,
                "status": str(w.get_status_display()),
                "name": w.name,
                "phone": w.phone,
                "description": w.description,
            }
            for w in records.wishes
        ],
    }


def as_json(records: ResidentRecords) -> str:
    return json.dumps(as_dict(records), ensure_ascii=False, indent=2)


def as_csv(records: ResidentRecords) -> str:
    data = as_dict(records)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [_("类型"), _("单号或活动"), _("时间"), _("村（社区）"), _("服务项"), _("状态")]
        + [_("姓名"), _("手机号"), _("需求描述"), _("评分"), _("评价")]
    )
    for o in data["orders"]:
        writer.writerow(
            [_("点单"), o["number"], o["submitted_at"], o["village"], o["service"], o["status"]]
            + [o["name"], o["phone"], o["description"], o["stars"] or "", o["rating_comment"]]
        )
    for c in data["checkins"]:
        writer.writerow(
            [_("活动签到"), c["event"], c["checked_in_at"], "", "", ""]
            + [c["name"], c["phone"], "", "", ""]
        )
    for a in data["volunteer_applications"]:
        writer.writerow(
            [_("志愿者申请"), "", a["submitted_at"], a["village"], "", a["status"]]
            + [a["name"], a["phone"], a["note"], "", ""]
        )
    for w in data["wishes"]:
        writer.writerow(
            [_("心愿"), "", w["submitted_at"], w["village"], w["category"], w["status"]]
            + [w["name"], w["phone"], w["description"], "", ""]
        )
    return out.getvalue()

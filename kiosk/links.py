"""The kiosk link: a signed value naming a station, a ``KioskLink`` and its secret.

The head opens ``/kiosk/<station id>/?key=<value>`` once on the kiosk's browser; the value then
lives in a cookie for that path, and every request checks it again (signature, station, link
not revoked), so revoking the link takes effect at the next touch.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext_lazy as _

from kiosk.models import KioskLink

SALT = "wenming.kiosk.link"
COOKIE = "wm_kiosk"


def sign(link: KioskLink) -> str:
    return signing.dumps({"s": link.station_id, "l": link.pk, "k": link.secret}, salt=SALT)


@dataclass(frozen=True)
class Verdict:
    link: KioskLink | None = None
    problem: str = ""  # why not, in words for the page


NO_KEY = _(
    "这台设备还没有设置为本站的触屏一体机。请站长在“触屏一体机”页面生成链接后，在本设备上打开。"
)
BAD_KEY = _("一体机链接无效。请站长重新生成链接。")
OTHER_STATION = _("这个一体机链接属于另一个实践站，不能在这里点单。")
REVOKED = _("这个一体机链接已被站长停用。如需继续使用，请站长重新生成链接。")


def resolve(value: str | None, *, station_id: int) -> Verdict:
    """The active link ``value`` names for ``station_id``, or why there is none."""
    if not value:
        return Verdict(problem=str(NO_KEY))
    try:
        data = signing.loads(value[:512], salt=SALT)
        link_station, link_id, secret = int(data["s"]), int(data["l"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Verdict(problem=str(BAD_KEY))
    if link_station != station_id:
        return Verdict(problem=str(OTHER_STATION))
    link = (
        KioskLink.objects.select_related("station__village__town")
        .filter(pk=link_id, station_id=station_id, secret=secret)
        .first()
    )
    if link is None:
        return Verdict(problem=str(BAD_KEY))
    if not link.is_active:
        return Verdict(problem=str(REVOKED))
    return Verdict(link=link)

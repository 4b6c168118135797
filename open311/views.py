"""Open311 GeoReport v2 under ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2).

- ``discovery.<fmt>``: where the endpoint is and which formats it speaks.
- ``services.<fmt>?jurisdiction_id=<village code>``: the village's menu.
- ``services/<service_code>.<fmt>``: the attributes an order takes (people, preferred date …).
- ``POST requests.<fmt>`` (``api_key``): place an order; ``service_request_id`` is its number.
- ``GET requests.<fmt>`` and ``requests/<service_request_id>.<fmt>`` (``api_key``): the
  partner's own orders, ``open`` or ``closed`` with the detail in ``status_notes``.

``<fmt>`` is ``json`` or ``xml``. Errors are the specification's list of ``{code,
description}``: 403 for a missing, unknown or revoked key, 404 for what does not exist, 400 for
any other refusal, 429 over the key's rate (``open311.protocol``, around every view). The views
only translate the protocol: the order itself is ``open311.services.request_submit`` (and through
it ``orders.submission``); a request's answer is ``open311.render``.

The menu and discovery are public (as the specification has them). Requests need a key, and a
partner sees only the orders it placed: the list carries residents' descriptions, which are
theirs to share with the station, not with every partner.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core import dates
from core.absolute_urls import absolute_url
from core.errors import DomainError, InvalidInput
from core.params import is_digits
from open311 import formats, render, selectors, services
from open311.models import Partner
from open311.protocol import Refused, endpoint, jurisdiction, param
from orders import submission as order_submission
from orders.models import MenuItem, OrderNumberSequence, TargetGroup

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the service list or definitions last changed shape (the discovery's changeset).
CHANGESET = "2026-11-30T00:00:00+08:00"
NUMBER = re.compile(rf"^{OrderNumberSequence.PATTERN}$")
MAX_IDS = 100
ATTRIBUTES = ("people", "preferred_date", "preferred_window", "target_group")
# Where each field of ``orders.submission.order_submit`` came from in the request.
PARAMS = {
    "menu_item": "service_code",
    "name": "last_name",
    "phone": "phone",
    "description": "description",
    "people": "attribute[people]",
    "preferred_date": "attribute[preferred_date]",
    "preferred_window": "attribute[preferred_window]",
    "target_group": "attribute[target_group]",
}


def not_found(request, *args, **kwargs) -> HttpResponse:
    """Any other URL under /open311/: a 404 in the error format (XML, the required one)."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    return formats.errors(fmt, 404, _("没有这个接口，请查看 discovery.xml。"))


# --- discovery and services ---------------------------------------------------------------


@endpoint("GET", keyed=False)
def discovery(request, fmt: str, partner) -> HttpResponse:
    value = {
        "changeset": CHANGESET,
        "contact": _("滕州市新时代文明实践中心（实践站的点单接口）"),
        "key_service": _(
            "合作方（12345 热线、小程序、县级平台）向市新时代文明实践中心申请 api_key。"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": absolute_url("/open311/v2", request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return formats.respond(fmt, "discovery", value)


def _service(item: MenuItem) -> dict:
    keywords = [item.category.name, item.platform.name]
    if item.target_group:
        keywords.append(str(item.get_target_group_display()))
    return {
        "service_code": str(item.pk),
        "service_name": item.title,
        "description": item.description,
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": item.category.name,
    }


@endpoint("GET", keyed=False)
def service_list(request, fmt: str, partner) -> HttpResponse:
    village = jurisdiction(request, required=True)
    items = selectors.services_for_village(village)
    return formats.respond(fmt, "services", [_service(item) for item in items])


def _attributes() -> list[dict]:
    def attribute(code, datatype, order, description, datatype_description="", values=None):
        return {
            "variable": True,
            "code": code,
            "datatype": datatype,
            "required": False,
            "datatype_description": datatype_description or None,
            "order": order,
            "description": description,
            "values": values or [],
        }

    return [
        attribute("people", "number", 1, _("服务人数"), _("1 到 10000 的整数，默认 1")),
        attribute(
            "preferred_date",
            "datetime",
            2,
            _("期望日期"),
            _("YYYY-MM-DD，今天到一年以内"),
        ),
        attribute(
            "preferred_window", "string", 3, _("期望时段"), _("例如：周末上午（最多 50 字）")
        ),
        attribute(
            "target_group",
            "singlevaluelist",
            4,
            _("定向服务对象（可选）"),
            values=[{"key": key, "name": str(label)} for key, label in TargetGroup.choices],
        ),
    ]


@endpoint("GET", keyed=False)
def service_definition(request, fmt: str, partner, code: str) -> HttpResponse:
    village = jurisdiction(request, required=False)
    item = selectors.service_by_code(code)
    if item is None or (
        village is not None and not selectors.services_for_village(village).filter(pk=item.pk)
    ):
        raise Refused(404, _("未找到服务代码 %(code)s。") % {"code": code[:20]})
    return formats.respond(
        fmt, "service_definition", {"service_code": str(item.pk), "attributes": _attributes()}
    )


# --- requests -------------------------------------------------------------------------------


@endpoint("GET", "POST", keyed=True)
def requests_(request, fmt: str, partner: Partner) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt, partner)
    return _list(request, fmt, partner)


def _attribute_values(request) -> dict[str, str]:
    """``attribute[code]=value`` pairs; an attribute the definition does not have is refused."""
    found: dict[str, str] = {}
    unknown: list[str] = []
    for name in request.POST:
        match = re.fullmatch(r"attribute\[([^\]]*)\](\[\])?", name)
        if match is None:
            continue
        code = match.group(1)
        if code not in ATTRIBUTES:
            unknown.append(_("未知的属性 %(code)s。") % {"code": code[:30]})
            continue
        found[code] = param(request, name, limit=50)
    if unknown:
        raise Refused(400, *unknown)
    return found


def _people(raw: str) -> int:
    if not raw:
        return 1
    if not is_digits(raw) or not 1 <= int(raw) <= order_submission.MAX_PEOPLE:
        raise Refused(400, _("attribute[people]：服务人数应为 1 到 10000 的整数。"))
    return int(raw)


def _preferred_date(raw: str) -> dt.date | None:
    if not raw:
        return None
    try:
        value = parse_date(raw[:10]) if len(raw) == 10 else parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if value is None:
        raise Refused(400, _("attribute[preferred_date]：请使用 YYYY-MM-DD 格式的日期。"))
    return value


def _create(request, fmt: str, partner: Partner) -> HttpResponse:
    village = jurisdiction(request, required=True)
    # Every problem of the request at once: the error list has room for all of them.
    problems: list[str] = []

    def check(call, default=None):
        try:
            return call()
        except Refused as exc:
            problems.extend(exc.descriptions)
            return default

    code = param(request, "service_code", limit=30)
    item = selectors.service_by_code(code) if code else None
    if not code:
        problems.append(_("请提供 service_code。"))
    elif item is None:
        problems.append(_("未找到服务代码 %(code)s。") % {"code": code})
    attributes = check(lambda: _attribute_values(request), {})
    target_group = attributes.get("target_group", "")
    if target_group and target_group not in TargetGroup.values:
        problems.append(_("attribute[target_group]：请选择服务定义中列出的值。"))
    people = check(lambda: _people(attributes.get("people", "")), 1)
    preferred_date = check(lambda: _preferred_date(attributes.get("preferred_date", "")))
    for name in ("lat", "long"):
        raw = param(request, name, limit=30)
        if raw:
            try:
                value = float(raw)
            except ValueError:
                value = None
            if value is None or not -180 <= value <= 180:
                problems.append(_("%(name)s 不是有效的坐标。") % {"name": name})
    name = param(request, "last_name", limit=50) + param(request, "first_name", limit=50)
    if not name:
        problems.append(_("请提供居民姓名（last_name 和/或 first_name）。"))
    if problems:
        raise Refused(400, *problems)
    try:
        order = services.request_submit(
            partner=partner,
            village=village,
            menu_item=item,
            name=name,
            phone=param(request, "phone", limit=30),
            description=param(request, "description", limit=4000),
            address=param(request, "address_string", limit=200),
            account_id=param(request, "account_id", limit=100),
            preferred_date=preferred_date,
            preferred_window=attributes.get("preferred_window", ""),
            people=people,
            target_group=target_group,
        )
    except InvalidInput as exc:
        problems = [
            f"{PARAMS.get(field, field)}：{message}"
            for field, messages in exc.fields.items()
            for message in messages
        ]
        raise Refused(400, *(problems or [str(exc.message)])) from None
    except DomainError as exc:  # the duplicate window: "400 for any other refusal"
        raise Refused(400, str(exc.message)) from None
    notice = _("已收到。村实践站审核后安排志愿者服务，居民会收到进度短信。")
    value = [
        {
            "service_request_id": order.number,
            "service_notice": notice,
            "account_id": order.open311.account_id or None,
        }
    ]
    return formats.respond(fmt, "service_requests", value, status=201)


def _csv(request, name: str, *, limit: int = 2000) -> list[str]:
    raw = param(request, name, limit=limit)
    return [part.strip() for part in raw.split(",") if part.strip()] if raw else []


def _moment(request, name: str) -> dt.datetime | None:
    raw = param(request, name, limit=40)
    if not raw:
        return None
    # A "+08:00" offset sent unencoded in a query string arrives as " 08:00".
    raw = raw.replace(" ", "+")
    value = None
    try:
        if len(raw) == 10:
            day = parse_date(raw)
            if day is not None:
                value = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        else:
            value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None or timezone.is_naive(value):
        raise Refused(
            400,
            _("%(name)s 须为带时区的 W3C 时间，例如 2026-12-01T00:00:00+08:00。") % {"name": name},
        )
    if not dates.in_range(value):
        raise Refused(400, f"{name}：" + str(dates.OUT_OF_RANGE_MESSAGE % dates.YEARS))
    return value


def _list(request, fmt: str, partner: Partner) -> HttpResponse:
    orders = selectors.partner_orders(partner.pk)
    numbers = _csv(request, "service_request_id")
    if numbers:
        # "This overrides all other arguments."
        if len(numbers) > MAX_IDS:
            raise Refused(400, _("service_request_id 一次最多 %(n)d 个。") % {"n": MAX_IDS})
        orders = orders.filter(number__in=[n for n in numbers if NUMBER.match(n)])
    else:
        village = jurisdiction(request, required=False)
        if village is not None:
            orders = orders.filter(village=village)
        codes = _csv(request, "service_code")
        if any(not is_digits(code) or len(code) > 18 for code in codes):
            raise Refused(400, _("service_code 须为服务列表中的代码，多个用逗号分隔。"))
        if codes:
            orders = orders.filter(menu_item_id__in=[int(code) for code in codes])
        statuses = _csv(request, "status")
        if any(status not in render.STATUS_GROUPS for status in statuses):
            raise Refused(400, _("status 只能是 open 或 closed，多个用逗号分隔。"))
        if statuses:
            wanted = [s for status in set(statuses) for s in render.STATUS_GROUPS[status]]
            orders = orders.filter(status__in=wanted)
        start, end = _moment(request, "start_date"), _moment(request, "end_date")
        if start and end and end < start:
            raise Refused(400, _("end_date 不能早于 start_date。"))
        if start and end and end - start > selectors.MAX_SPAN:
            raise Refused(400, _("start_date 到 end_date 不能超过 90 天。"))
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - selectors.MAX_SPAN
        if end is None:
            end = start + selectors.MAX_SPAN
        orders = orders.filter(Q(created_at__gte=start) & Q(created_at__lte=end))
    return render.service_requests(fmt, list(orders[: selectors.MAX_REQUESTS]))


@endpoint("GET", keyed=True)
def request_detail(request, fmt: str, partner: Partner, number: str) -> HttpResponse:
    orders = list(selectors.partner_orders(partner.pk).filter(number=number)[:1])
    if not orders:
        raise Refused(404, _("未找到点单 %(number)s。") % {"number": number[:30]})
    return render.service_requests(fmt, orders)

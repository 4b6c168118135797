"""What a resident reads on the tracking page about what happens next: who must act, and about
how long it takes, at each status (issue 16). The times come from the same settings that mark
an order overdue and pass it up to the town and the city."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from orders.models import Order

S = Order.Status


@dataclass(frozen=True)
class NextStep:
    who: str  # who must act now
    when: str  # roughly how long it takes
    done: bool = False  # nothing is left to do


def next_step(order: Order) -> NextStep:
    overdue = settings.WENMING_ORDER_OVERDUE_HOURS
    to_town = settings.WENMING_ESCALATE_TOWN_HOURS
    if order.status == S.SUBMITTED:
        return NextStep(
            who=_("村实践站审核您的点单。"),
            when=_("通常 1 天内；超过 %(hours)d 小时未处理会提醒站长。") % {"hours": overdue},
        )
    if order.status == S.OPEN:
        return NextStep(
            who=_("等待志愿者接单，站长也可以直接派单。"),
            when=_("通常 1 天内有人接单；%(hours)d 小时无人接单，会转给镇街志愿服务队。")
            % {"hours": to_town},
        )
    if order.status == S.ACCEPTED:
        if order.preferred_date:
            when = _("志愿者会先打电话和您约定时间，按约定上门服务（您希望的日期：%(date)s）。") % {
                "date": order.preferred_date.isoformat()
            }
        else:
            when = _("志愿者会先打电话和您约定时间，通常 1～2 天内联系您。")
        return NextStep(who=_("接单的志愿者联系您并提供服务。"), when=when)
    if order.status == S.COMPLETED:
        return NextStep(
            who=_("轮到您：请为本次服务评价。"),
            when=_("评价只需 1 分钟，在本页下方。"),
        )
    return NextStep(who=_("本次点单已结束，无需再操作。"), when="", done=True)

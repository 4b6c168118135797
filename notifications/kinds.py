"""What the system tells people: each kind's label, channels and wording.

A kind's text is rendered from its ``payload`` when it is shown or sent, in the reader's language
(the inbox) or the source language (SMS, e-mail, WeChat). Callers (orders, events) pass plain
values in the payload; this module never reads their models, so the dependency points one way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.absolute_urls import absolute_url


class Channel(models.TextChoices):
    INBOX = "inbox", gettext_lazy("站内信")
    EMAIL = "email", gettext_lazy("电子邮件")
    SMS = "sms", gettext_lazy("短信")
    WECHAT = "wechat", gettext_lazy("微信")


class Kind(models.TextChoices):
    ORDER_NEW = "order_new", gettext_lazy("新点单待处理")
    ORDER_OPEN = "order_open", gettext_lazy("可接的新点单")
    ORDER_RECEIVED = "order_received", gettext_lazy("点单已收到")
    ORDER_ACCEPTED = "order_accepted", gettext_lazy("点单已被接单")
    ORDER_COMPLETED = "order_completed", gettext_lazy("服务已完成")
    ORDER_CANCELLED = "order_cancelled", gettext_lazy("点单已取消")
    ORDER_REJECTED = "order_rejected", gettext_lazy("点单未通过")
    ORDER_ESCALATED = "order_escalated", gettext_lazy("点单无人接单已升级")
    ORDER_ASSIGNED = "order_assigned", gettext_lazy("派给我的点单")
    ORDER_WITHDRAWN = "order_withdrawn", gettext_lazy("我接的点单已取消")
    RATING_REMINDER = "rating_reminder", gettext_lazy("评价提醒")
    FOLLOW_UP_DUE = "follow_up_due", gettext_lazy("差评回访任务")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", gettext_lazy("差评回访逾期")
    PHONE_CODE = "phone_code", gettext_lazy("短信验证码")
    DIGEST = "digest", gettext_lazy("每日简报")
    PLAN_REMINDER = "plan_reminder", gettext_lazy("活动计划提醒")
    EVENT_REMINDER = "event_reminder", gettext_lazy("活动前一天提醒")
    EVENT_NOTICE = "event_notice", gettext_lazy("订阅的活动预告")
    VOLUNTEER_APPLIED = "volunteer_applied", gettext_lazy("新的志愿者申请")
    VOLUNTEER_APPROVED = "volunteer_approved", gettext_lazy("志愿者申请已通过")
    VOLUNTEER_DECLINED = "volunteer_declined", gettext_lazy("志愿者申请未通过")


INBOX, E, SMS, W = Channel.INBOX, Channel.EMAIL, Channel.SMS, Channel.WECHAT


@dataclass(frozen=True)
class Spec:
    # Channels a login gets unless they chose otherwise; ``allowed`` are those they may choose.
    default: tuple[str, ...]
    allowed: tuple[str, ...]
    # Sent at once even in the SMS quiet hours (the resident is waiting for it right now).
    urgent: bool = False


SPECS: dict[str, Spec] = {
    Kind.ORDER_NEW: Spec(default=(INBOX, SMS), allowed=(INBOX, E, SMS, W)),
    Kind.ORDER_OPEN: Spec(default=(INBOX,), allowed=(INBOX, E, SMS, W)),
    Kind.ORDER_RECEIVED: Spec(default=(SMS,), allowed=(SMS,)),
    Kind.ORDER_ACCEPTED: Spec(default=(SMS,), allowed=(SMS,)),
    Kind.ORDER_COMPLETED: Spec(default=(SMS,), allowed=(SMS,)),
    Kind.ORDER_CANCELLED: Spec(default=(SMS,), allowed=(SMS,)),
    Kind.ORDER_REJECTED: Spec(default=(SMS,), allowed=(SMS,)),
    Kind.ORDER_ESCALATED: Spec(default=(INBOX,), allowed=(INBOX, E, SMS, W)),
    Kind.ORDER_ASSIGNED: Spec(default=(INBOX, SMS), allowed=(INBOX, E, SMS, W)),
    Kind.ORDER_WITHDRAWN: Spec(default=(INBOX, SMS), allowed=(INBOX, E, SMS, W)),
    Kind.RATING_REMINDER: Spec(default=(SMS,), allowed=(SMS,)),
    Kind.FOLLOW_UP_DUE: Spec(default=(INBOX, SMS), allowed=(INBOX, E, SMS, W)),
    Kind.FOLLOW_UP_OVERDUE: Spec(default=(INBOX,), allowed=(INBOX, E, SMS, W)),
    Kind.PHONE_CODE: Spec(default=(SMS,), allowed=(SMS,), urgent=True),
    Kind.DIGEST: Spec(default=(INBOX, E), allowed=(INBOX, E, W)),
    Kind.PLAN_REMINDER: Spec(default=(INBOX, SMS), allowed=(INBOX, E, SMS, W)),
    Kind.EVENT_REMINDER: Spec(default=(INBOX, SMS), allowed=(INBOX, E, SMS, W)),
    Kind.EVENT_NOTICE: Spec(default=(SMS,), allowed=(SMS,)),
    Kind.VOLUNTEER_APPLIED: Spec(default=(INBOX, SMS), allowed=(INBOX, E, SMS, W)),
    Kind.VOLUNTEER_APPROVED: Spec(default=(SMS,), allowed=(SMS,)),
    Kind.VOLUNTEER_DECLINED: Spec(default=(SMS,), allowed=(SMS,)),
}

# Kinds whose payload carries a secret (a one-time code, a set-password link): the outbox keeps
# it only until the message is sent or given up on (``notifications.services.deliver``).
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.PHONE_CODE: ("code",),
    Kind.VOLUNTEER_APPROVED: ("url",),
}

# Kinds a login may tune on the preferences page (those sent to residents by phone are not).
USER_KINDS = [k for k in Kind if len(SPECS[k].allowed) > 1]


def link(path: str) -> str:
    """An absolute link for messages that leave the site (SMS, e-mail, WeChat)."""
    if not path:
        return ""
    return absolute_url(path)


def _tier(code: str) -> str:
    """An escalation tier's name (the codes of ``orders.models.Order.Tier``)."""
    return {"town": _("镇街"), "city": _("市级")}.get(code, code)


def title(kind: str, p: dict) -> str:
    """One line: the inbox list, the e-mail subject."""
    n = {"number": p.get("number", "")}
    titles = {
        Kind.ORDER_NEW: _("新点单 %(number)s 待处理") % n,
        Kind.ORDER_OPEN: _("有可接的新点单 %(number)s") % n,
        Kind.ORDER_RECEIVED: _("点单 %(number)s 已收到") % n,
        Kind.ORDER_ACCEPTED: _("点单 %(number)s 已有志愿者接单") % n,
        Kind.ORDER_COMPLETED: _("点单 %(number)s 服务已完成") % n,
        Kind.ORDER_CANCELLED: _("点单 %(number)s 已取消") % n,
        Kind.ORDER_REJECTED: _("点单 %(number)s 未通过审核") % n,
        Kind.ORDER_ASSIGNED: _("点单 %(number)s 已派给您") % n,
        Kind.ORDER_WITHDRAWN: _("您接的点单 %(number)s 已取消") % n,
        Kind.ORDER_ESCALATED: _("点单 %(number)s 无人接单，已升级至%(tier)s")
        % {**n, "tier": _tier(p.get("tier", ""))},
        Kind.RATING_REMINDER: _("请为点单 %(number)s 评价") % n,
        Kind.FOLLOW_UP_DUE: _("差评回访：点单 %(number)s") % n,
        Kind.FOLLOW_UP_OVERDUE: _("差评回访逾期：点单 %(number)s") % n,
        Kind.PHONE_CODE: _("短信验证码"),
        Kind.VOLUNTEER_APPLIED: _("%(village)s 有新的志愿者申请")
        % {"village": p.get("village", "")},
        Kind.VOLUNTEER_APPROVED: _("志愿者申请已通过"),
        Kind.VOLUNTEER_DECLINED: _("志愿者申请未通过"),
        Kind.PLAN_REMINDER: _("请提交 %(month)s 活动计划") % {"month": p.get("month", "")},
        Kind.EVENT_REMINDER: _("明天的活动：%(title)s") % {"title": p.get("title", "")},
        Kind.EVENT_NOTICE: _("明天的活动：%(title)s") % {"title": p.get("title", "")},
        Kind.DIGEST: _("%(area)s 每日简报 %(day)s")
        % {"area": p.get("area", ""), "day": p.get("day", "")},
    }
    return titles.get(kind, str(kind))


def body(kind: str, p: dict, *, absolute: bool = False) -> str:
    """The message. ``absolute``: links carry the site's address (messages leaving the site)."""
    url = link(p.get("url", "")) if absolute else p.get("url", "")
    d = {
        "number": p.get("number", ""),
        "item": p.get("item", ""),
        "village": p.get("village", ""),
        "who": p.get("who", ""),
        "reason": p.get("reason", "") or _("未说明"),
        "due": p.get("due", ""),
        "stars": p.get("stars", ""),
        "code": p.get("code", ""),
        "minutes": p.get("minutes", 10),
        "area": p.get("area", ""),
        "day": p.get("day", ""),
        "new": p.get("new", 0),
        "overdue": p.get("overdue", 0),
        "low": p.get("low", 0),
        "escalated": p.get("escalated", 0),
        "hours": p.get("hours", ""),
        "tier": _tier(p.get("tier", "")),
        "team": p.get("team", "") or _("（暂无匹配队伍）"),
        "month": p.get("month", ""),
        "station": p.get("station", ""),
        "title": p.get("title", ""),
        "start": p.get("start", ""),
        "place": p.get("place", ""),
        "name": p.get("name", ""),
        "username": p.get("username", ""),
        "days": p.get("days", 3),
        "unsubscribe": link(p.get("unsubscribe", "")) if absolute else p.get("unsubscribe", ""),
        "url": url,
    }
    texts = {
        Kind.ORDER_NEW: _("%(village)s 有新的点单 %(number)s：%(item)s。请及时审核或派单：%(url)s"),
        Kind.ORDER_OPEN: _("%(village)s 的点单 %(number)s（%(item)s）正在等待志愿者接单：%(url)s"),
        Kind.ORDER_ASSIGNED: _(
            "%(village)s 的点单 %(number)s（%(item)s）已派给您，请与群众联系并按时服务：%(url)s"
        ),
        Kind.ORDER_WITHDRAWN: _(
            "您接的 %(village)s 点单 %(number)s（%(item)s）已被取消，原因：%(reason)s，"
            "无需再服务：%(url)s"
        ),
        Kind.ORDER_ESCALATED: _(
            "%(village)s 的点单 %(number)s（%(item)s）%(hours)s 小时无人接单，已升级至%(tier)s，"
            "由 %(team)s 承接。请协调接单或派单：%(url)s"
        ),
        Kind.ORDER_RECEIVED: _(
            "【文明实践】您的点单 %(number)s（%(item)s）已收到，我们会尽快安排。查看进度：%(url)s"
        ),
        Kind.ORDER_ACCEPTED: _(
            "【文明实践】您的点单 %(number)s 已由志愿者%(who)s接单，将与您联系。查看进度：%(url)s"
        ),
        Kind.ORDER_COMPLETED: _("【文明实践】您的点单 %(number)s 服务已完成，欢迎评价：%(url)s"),
        Kind.ORDER_CANCELLED: _(
            "【文明实践】您的点单 %(number)s 已取消，原因：%(reason)s。详情：%(url)s"
        ),
        Kind.ORDER_REJECTED: _(
            "【文明实践】您的点单 %(number)s 未通过审核，原因：%(reason)s。详情：%(url)s"
        ),
        Kind.RATING_REMINDER: _(
            "【文明实践】点单 %(number)s 的服务您满意吗？请花一分钟评价：%(url)s"
        ),
        Kind.FOLLOW_UP_DUE: _(
            "点单 %(number)s 收到 %(stars)s 星评价，请在 %(due)s 前回访群众并记录：%(url)s"
        ),
        Kind.FOLLOW_UP_OVERDUE: _(
            "%(village)s 的点单 %(number)s 收到差评，回访已于 %(due)s 逾期未完成：%(url)s"
        ),
        Kind.PHONE_CODE: _(
            "【文明实践】您的验证码是 %(code)s，%(minutes)s 分钟内有效。请勿告诉他人。"
        ),
        Kind.VOLUNTEER_APPLIED: _("%(village)s 的 %(name)s 申请成为志愿者，请审核：%(url)s"),
        Kind.VOLUNTEER_APPROVED: _(
            "【文明实践】%(name)s，您的志愿者申请已通过，已加入%(team)s。登录名：%(username)s。"
            "请在 %(days)s 天内设置密码：%(url)s"
        ),
        Kind.VOLUNTEER_DECLINED: _(
            "【文明实践】%(name)s，您的志愿者申请未通过，原因：%(reason)s。如有疑问请联系村里的实践站。"
        ),
        Kind.PLAN_REMINDER: _(
            "%(station)s 的 %(month)s 活动计划尚未提交，请在 %(due)s 前提交：%(url)s"
        ),
        Kind.EVENT_REMINDER: _(
            "提醒：“%(title)s”将于 %(start)s 在 %(place)s 举行，请准时参加：%(url)s"
        ),
        Kind.EVENT_NOTICE: _(
            "【文明实践】明天 %(start)s，%(place)s 举行“%(title)s”，欢迎参加：%(url)s "
            "退订：%(unsubscribe)s"
        ),
        Kind.DIGEST: _(
            "%(area)s %(day)s：新点单 %(new)s 个，超时未接单 %(overdue)s 个，"
            "无人接单升级 %(escalated)s 个，差评（1–2 星）%(low)s 个。详情：%(url)s"
        ),
    }
    text = texts.get(kind)
    return text % d if text else ""

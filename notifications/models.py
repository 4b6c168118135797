"""The notification outbox and each login's choices.

A ``Notification`` row is written in the same transaction as the change that causes it (a
transactional outbox): if the change rolls back, so does the row; if the broker is down after
commit, the row waits and the sweep delivers it later. In-app (inbox) rows are delivered by being
written; the other channels go through a backend after commit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.kinds import Channel, Kind


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    # What caused it, e.g. "order:12:accepted": with recipient and channel, the idempotency key.
    cause = models.CharField(_("起因"), max_length=100, db_index=True)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收账号"),
    )
    # Where it goes: a phone for SMS (residents have no account), an e-mail address. Kept in the
    # row so that a retry sends to the address the message was meant for.
    address = models.CharField(_("接收地址"), max_length=254, blank=True)
    payload = models.JSONField(_("内容数据"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # When the next attempt is due: now, after a backoff, or after the SMS quiet hours. While a
    # worker holds the row (``sending``), when its lease runs out.
    next_attempt_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # PIPL: set when the address was erased (retention, or the resident's request; see
    # notifications.services.addresses_erase). The row stays: what was sent, when, to which kind.
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: rows still to deliver, by when they are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="notification_due",
            ),
            # The bell and the inbox: a login's inbox rows, newest first.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(channel="inbox"),
                name="notification_inbox",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "failed"]),
                name="notification_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["inbox", "email", "sms", "wechat"]),
                name="notification_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False)
                | ~Q(address="")
                | Q(anonymised_at__isnull=False),
                name="notification_has_recipient",
            ),
            # Delivery is idempotent per (cause, recipient, channel): writing the same cause
            # twice (a retried task, two beats) never makes a second message.
            models.UniqueConstraint(
                fields=["cause", "recipient", "channel"],
                condition=Q(recipient__isnull=False),
                name="notification_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["cause", "address", "channel"],
                condition=Q(recipient__isnull=True, anonymised_at__isnull=True),
                name="notification_once_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()}"

    @property
    def title(self) -> str:
        return kinds.title(self.kind, self.payload)

    @property
    def body(self) -> str:
        return kinds.body(self.kind, self.payload)

    @property
    def url(self) -> str:
        return self.payload.get("url", "")

    @property
    def masked_address(self) -> str:
        """PIPL: the admin shows 138****1234, never the whole number."""
        value = self.address
        if self.channel == Channel.SMS and len(value) >= 7:
            return f"{value[:3]}****{value[-4:]}"
        return value


class NotificationPreference(models.Model):
    """A login's channels per kind (missing kinds use the defaults of ``kinds.SPECS``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("账号"),
    )
    # {kind: [channel, …]}; an empty list means "do not tell me" for that kind.
    channels = models.JSONField(_("接收渠道"), default=dict, blank=True)
    # SMS goes here; empty: the phone the station or the volunteer record gives.
    phone = models.CharField(_("接收短信的手机号"), max_length=11, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return str(self.user)


class PhoneCode(models.Model):
    """A one-time code sent by SMS to prove a phone is the resident's ("find my orders").

    Only a hash of the code is kept; a code lives ``CODE_MINUTES`` and takes ``CODE_TRIES``
    guesses; a new code for the phone retires the old ones.
    """

    phone = models.CharField(_("手机号"), max_length=11, db_index=True)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class EventSubscription(models.Model):
    """A resident's subscription, by phone and without an account, to the day-before reminders
    of the events of one village's station (``events.reminders``).

    It counts once the phone has been proven with a one-time SMS code (``confirmed_at``); every
    reminder carries the unsubscribe link (``token``). Unsubscribing deletes the row; the
    retention run deletes unconfirmed rows (``notifications.subscriptions``).
    """

    phone = models.CharField(_("手机号"), max_length=11)
    village = models.ForeignKey(
        "stations.Village",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("村（社区）"),
    )
    # The unsubscribe link's key: random, never derived from the phone.
    token = models.CharField(_("退订令牌"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("活动提醒订阅")
        verbose_name_plural = _("活动提醒订阅")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["phone", "village"], name="event_subscription_once"),
        ]
        indexes = [
            models.Index(
                fields=["village"],
                condition=Q(confirmed_at__isnull=False),
                name="event_subscription_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} · {self.village_id}"

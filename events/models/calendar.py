"""The published monthly calendar: each compiled version of a month, and its webhook
deliveries."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PublishedCalendar(models.Model):
    """One immutable, compiled version of a month's city-wide calendar.

    A new row is written whenever the month's content differs from the latest version's, even
    when it equals an earlier version's (an edit undone is published too: the latest version is
    what everything serves). The unique month + version makes two concurrent compiles publish
    one version.
    """

    month = models.DateField(_("月份"), help_text=_("当月第一天。"))
    version = models.PositiveIntegerField(_("版本"))
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    event_count = models.PositiveIntegerField(_("活动数"))
    counts_by_town = models.JSONField(_("各镇街活动数"), default=dict)
    counts_by_category = models.JSONField(_("各类别活动数"), default=dict)
    json_text = models.TextField(_("JSON 内容"))
    ics_text = models.TextField(_("iCalendar 内容"))
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已发布月历")
        verbose_name_plural = _("已发布月历")
        ordering = ["-month", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(fields=["month", "version"], name="calendar_month_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="calendar_version_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} v{self.version}"


class WebhookDelivery(models.Model):
    """One published calendar sent to one webhook URL; retried by Celery, visible in the admin."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")
        # A newer version of the month was published: sending this one would undo it.
        SUPERSEDED = "superseded", _("已被新版本取代")

    #: Nothing left to send: delivered, or a newer version has its own delivery. Never retried.
    SETTLED = (Status.SUCCEEDED, Status.SUPERSEDED)

    calendar = models.ForeignKey(
        PublishedCalendar,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("月历版本"),
    )
    url = models.URLField(_("地址"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    response_code = models.PositiveIntegerField(_("响应码"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月历推送")
        verbose_name_plural = _("月历推送")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "url"], name="webhook_delivery_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed", "superseded"]),
                name="webhook_delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar} → {self.url}"

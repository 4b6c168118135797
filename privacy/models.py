"""The record of what was done with residents' personal data (PIPL): one row per export,
erasure on request, and retention run that changed anything."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PersonalDataAction(models.Model):
    """Who did what to whose data, when, and how many records it touched.

    The phone is stored masked (``138****1234``): the log must not become a copy of the data it
    accounts for.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("导出")
        ERASE = "erase", _("删除（匿名化）")
        RETENTION = "retention", _("到期匿名化")

    kind = models.CharField(_("操作"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # The login's name as it was, should the account be deleted later.
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    phone_masked = models.CharField(_("手机号（脱敏）"), max_length=11, blank=True)
    orders = models.PositiveIntegerField(_("点单数"), default=0)
    checkins = models.PositiveIntegerField(_("签到数"), default=0)
    notifications = models.PositiveIntegerField(_("通知记录数"), default=0)
    wishes = models.PositiveIntegerField(_("心愿数"), default=0)
    applications = models.PositiveIntegerField(_("志愿者申请数"), default=0)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息处理记录")
        verbose_name_plural = _("个人信息处理记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["export", "erase", "retention"]),
                name="personal_data_action_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.phone_masked} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def records(self) -> int:
        return self.orders + self.checkins + self.applications

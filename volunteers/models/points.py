"""The points ledger (积分) and the stations' points supermarkets (积分超市)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import Town
from volunteers.models.records import ServiceRecord
from volunteers.models.teams import Volunteer


class Reward(models.Model):
    """An item of a station's points supermarket, kept by the station head."""

    position = models.ForeignKey(
        "stations.Position",
        on_delete=models.PROTECT,
        related_name="rewards",
        verbose_name=_("实践站"),
    )
    name = models.CharField(_("物品"), max_length=100)
    points = models.PositiveIntegerField(_("所需积分"))
    stock = models.PositiveIntegerField(_("库存"), default=0)
    is_active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("积分兑换物品")
        verbose_name_plural = _("积分兑换物品")
        ordering = ["position", "points", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=1, points__lte=1_000_000), name="reward_points_range"
            ),
            # Concurrent redemptions decrement with a conditional UPDATE; this is the backstop.
            models.CheckConstraint(condition=Q(stock__gte=0), name="reward_stock_gte_0"),
            models.UniqueConstraint(fields=["position", "name"], name="reward_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """A volunteer exchanged points for an item at the station (recorded by the station head)."""

    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("物品")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("志愿者")
    )
    points = models.PositiveIntegerField(_("消耗积分"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    created_at = models.DateTimeField(_("兑换时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.reward_id} -{self.points}"


class PointsEntry(models.Model):
    """One line of the append-only points ledger; a volunteer's balance is the sum of theirs.

    Rows are only ever inserted (``volunteers.points``); on PostgreSQL a trigger refuses UPDATE
    and DELETE (migration ``0007``), and the model refuses them in Python too.
    """

    class Kind(models.TextChoices):
        EARN = "earn", _("服务获得")
        REDEEM = "redeem", _("兑换")
        REVERSE = "reverse", _("冲正")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="points_entries", verbose_name=_("志愿者")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    points = models.IntegerField(_("积分"))
    record = models.ForeignKey(
        ServiceRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_entries",
        verbose_name=_("服务记录"),
    )
    redemption = models.OneToOneField(
        Redemption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry",
        verbose_name=_("兑换"),
    )
    # The day of service an earning counts against for the daily and monthly caps.
    service_date = models.DateField(_("服务日期"), null=True, blank=True)
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("镇（街道）"),
        help_text=_("志愿者所在镇（街道），用于按镇统计。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = _("积分明细")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["earn", "redeem", "reverse"]), name="points_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="earn", points__gte=0, record__isnull=False)
                    | Q(kind="redeem", points__lt=0, redemption__isnull=False)
                    | Q(kind="reverse", points__lte=0, record__isnull=False)
                ),
                name="points_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.kind} {self.points:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("PointsEntry rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("PointsEntry rows are append-only")

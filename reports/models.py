"""Rollups behind the reports: small tables the workflow keeps current, rebuilt by a command.

Report pages never aggregate the base tables (orders, events) directly: at city scale that is
tens of thousands of rows per request. Instead two derived tables hold what the pages need:

- ``VillageMonthCategory``: one row per (village, month, category) with counters. Coverage,
  the five standards, volunteer hours and the town × category matrix read only this table.
- ``OrderFact``: one compact row per order with its local months, durations and dimensions
  (platform, team). Medians cannot be summed, so the orders report reads these rows.

Months are the first day of the month in Asia/Shanghai. Each counter counts in the month its
moment happened, as ``reports.figures`` defines it: received by ``created_at``, accepted by
the standing acceptance, a service (completed order) by ``completed_at``, a rating by
``rated_at``, a done event by its ``end``. The village rows' order counters are summed from
the order facts, so the two never disagree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageMonthCategory(models.Model):
    village = models.ForeignKey(
        "stations.Village", on_delete=models.CASCADE, related_name="+", verbose_name=_("村（社区）")
    )
    # Denormalised from village: town-level reports group and filter without a join.
    town = models.ForeignKey(
        "stations.Town", on_delete=models.CASCADE, related_name="+", verbose_name=_("镇（街道）")
    )
    month = models.DateField(_("月份"))
    category = models.ForeignKey(
        "orders.ServiceCategory",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("服务类别"),
    )
    orders_received = models.PositiveIntegerField(_("收到点单"), default=0)
    orders_accepted = models.PositiveIntegerField(_("已接单"), default=0)
    orders_completed = models.PositiveIntegerField(_("已完成点单"), default=0)
    orders_rated = models.PositiveIntegerField(_("已评价"), default=0)
    orders_closed = models.PositiveIntegerField(_("取消或驳回"), default=0)
    stars_sum = models.PositiveIntegerField(_("评分合计"), default=0)
    events_done = models.PositiveIntegerField(_("完成活动"), default=0)
    attendance = models.PositiveIntegerField(_("活动参与人数"), default=0)
    volunteer_hours = models.DecimalField(
        _("志愿服务时长（小时）"), max_digits=10, decimal_places=1, default=0
    )
    wishes_fulfilled = models.PositiveIntegerField(_("实现心愿"), default=0)
    # orders_completed + events_done + wishes_fulfilled: what "served" means for coverage and
    # the practice standard.
    services = models.PositiveIntegerField(_("服务次数"), default=0)

    class Meta:
        verbose_name = _("村月度类别汇总")
        verbose_name_plural = _("村月度类别汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "month", "category"], name="rollup_village_month_category"
            )
        ]
        indexes = [
            models.Index(fields=["month", "town"]),
            models.Index(fields=["town", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%Y-%m} {self.category_id}"


class OrderFact(models.Model):
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("点单"),
    )
    status = models.CharField(_("状态"), max_length=10)
    village = models.ForeignKey(
        "stations.Village", on_delete=models.CASCADE, related_name="+", verbose_name=_("村（社区）")
    )
    town = models.ForeignKey(
        "stations.Town", on_delete=models.CASCADE, related_name="+", verbose_name=_("镇（街道）")
    )
    category = models.ForeignKey(
        "orders.ServiceCategory",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("服务类别"),
    )
    platform = models.ForeignKey(
        "orders.Platform", on_delete=models.CASCADE, related_name="+", verbose_name=_("服务平台")
    )
    # The team that served: the accepting team, else the team offering the menu item.
    team = models.ForeignKey(
        "volunteers.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("队伍"),
    )
    # The door the order came in through (``Order.Channel``): the orders report counts by it.
    channel = models.CharField(_("点单渠道"), max_length=10, default="web")
    # The tier the order had climbed to (orders.escalation): frozen once accepted, so for a
    # served order the tier that served it.
    tier = models.CharField(_("服务层级"), max_length=10, default="village")
    created_month = models.DateField(_("收到月份"))
    accepted_month = models.DateField(_("接单月份"), null=True, blank=True)
    completed_month = models.DateField(_("完成月份"), null=True, blank=True)
    rated_month = models.DateField(_("评价月份"), null=True, blank=True)
    closed_month = models.DateField(_("取消/驳回月份"), null=True, blank=True)
    accept_seconds = models.PositiveIntegerField(_("接单用时（秒）"), null=True, blank=True)
    complete_seconds = models.PositiveIntegerField(_("完成用时（秒）"), null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    hours = models.DecimalField(
        _("服务时长（小时）"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    # When the order became overdue (``reports.figures.order_overdue_at``): a moment still
    # ahead while it waits, so readers compare it with now and no periodic task is needed.
    overdue_at = models.DateTimeField(_("超时未接单时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("点单事实")
        verbose_name_plural = _("点单事实")
        indexes = [
            models.Index(fields=["created_month", "town"]),
            models.Index(fields=["accepted_month", "town"]),
            models.Index(fields=["completed_month", "town"]),
            models.Index(fields=["rated_month", "town"]),
        ]

    def __str__(self) -> str:
        return str(self.order_id)


class TownMonth(models.Model):
    """Villages served per town and month, derived from ``VillageMonthCategory``.

    The city coverage page shows 21 towns × 12 months; counting distinct villages over the
    village rollup for that costs tens of milliseconds, reading these 252 rows almost nothing.
    Rewritten with the village rows it derives from, in the same transaction.
    """

    town = models.ForeignKey(
        "stations.Town", on_delete=models.CASCADE, related_name="+", verbose_name=_("镇（街道）")
    )
    month = models.DateField(_("月份"))
    villages_served = models.PositiveIntegerField(_("已服务村数"), default=0)
    services = models.PositiveIntegerField(_("服务次数"), default=0)

    class Meta:
        verbose_name = _("镇街月度汇总")
        verbose_name_plural = _("镇街月度汇总")
        constraints = [models.UniqueConstraint(fields=["town", "month"], name="rollup_town_month")]

    def __str__(self) -> str:
        return f"{self.town_id} {self.month:%Y-%m}"


class RollupPending(models.Model):
    """A village whose rollup rows wait to be recomputed: the dirty marker of a transition.

    Written in the same transaction as the change (an order's, event's or wish's status change),
    so a committed change always leaves one, whether or not the broker took the refresh task; the
    refresh deletes the markers it handled in the transaction that rewrites the rows, and the
    periodic sweep drains whatever is left (broker down, a failed refresh). One refresh per
    village recomputes the months of all its markers at once.

    Plain integer columns, not foreign keys: a foreign key would take a share lock on the
    village row in the resident's transaction, which the refresh's writers would then wait
    on (and the reverse); a marker of a since-deleted row only refreshes nothing.
    """

    village_id = models.PositiveIntegerField(_("村（社区）"), db_index=True)
    order_id = models.PositiveIntegerField(_("点单"), null=True, blank=True)
    event_id = models.PositiveIntegerField(_("活动"), null=True, blank=True)
    wish_id = models.PositiveIntegerField(_("心愿"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待刷新的汇总")
        verbose_name_plural = _("待刷新的汇总")

    def __str__(self) -> str:
        return f"{self.village_id} order={self.order_id} event={self.event_id} wish={self.wish_id}"

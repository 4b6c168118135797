"""Activities (活动), the stations' monthly plans, and the published monthly calendar."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from orders.models import Order, Platform, ServiceCategory, TargetGroup
from stations.models import Position, Town, Village
from volunteers.models import Team


class Event(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PLANNED = "planned", _("已计划")
        PUBLISHED = "published", _("已发布")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("活动名称"), max_length=150)
    description = models.TextField(_("活动内容"), blank=True)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="events", verbose_name=_("服务类别")
    )
    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("服务平台"),
    )
    organiser_position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("主办阵地"),
    )
    organiser_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("主办队伍"),
    )
    venue_position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("活动阵地"),
    )
    venue_address = models.CharField(_("活动地点"), max_length=200, blank=True)
    # The area the event serves, for scoping and coverage: a village event has both, a town event
    # only the town, a citywide event neither.
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("镇（街道）"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("村（社区）"),
    )
    start = models.DateTimeField(_("开始时间"), db_index=True)
    end = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("人数上限"), null=True, blank=True)
    audience = models.CharField(
        _("服务对象"),
        max_length=25,
        choices=TargetGroup.choices,
        blank=True,
        help_text=_("留空表示面向全体群众。"),
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    attendance = models.PositiveIntegerField(_("参与人数"), default=0)
    results_note = models.TextField(_("活动成效"), blank=True)
    source_order = models.OneToOneField(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activity",
        verbose_name=_("来源点单"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["state", "start"]),
            models.Index(fields=["village", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "planned", "published", "done", "cancelled"]),
                name="event_state_valid",
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(village__isnull=True) | Q(town__isnull=False),
                name="event_village_has_town",
            ),
        ]

    def __str__(self) -> str:
        return self.title

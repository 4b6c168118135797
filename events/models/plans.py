"""The stations' monthly activity plans (有计划)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stations.models import Position

# A text limit as the events' (issue 14): the forms and serializers enforce it; on the model it
# reaches the admin's forms too.
NOTE_MAX = 2000  # a monthly plan's note


class MonthlyPlan(models.Model):
    """A position's activity plan for one month (the "has a plan" standard, 有计划).

    The plan's events are the position's events that start in ``month``; submitting the plan
    marks it done for the month.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="monthly_plans", verbose_name=_("阵地")
    )
    month = models.DateField(_("月份"), help_text=_("当月第一天。"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
        editable=False,
    )
    note = models.TextField(_("计划说明"), blank=True, max_length=NOTE_MAX)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度活动计划")
        verbose_name_plural = _("月度活动计划")
        ordering = ["-month", "position"]
        indexes = [models.Index(fields=["month", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["position", "month"], name="monthly_plan_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"]), name="monthly_plan_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="monthly_plan_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.month:%Y-%m}"

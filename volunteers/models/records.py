"""Service records (志愿服务记录) and their audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StatusChange
from stations.models import Town, Village
from volunteers.hours import MAX_HOURS, MIN_HOURS
from volunteers.models.teams import Team, Volunteer


class ServiceRecord(models.Model):
    """One piece of service by one volunteer: what, when, where, how long, organised by whom,
    recorded by whom and confirmed by whom (《志愿服务记录与证明出具办法（试行）》).

    Hours are *pending* until someone other than the volunteer confirms them (the organiser, or
    the resident's rating of an order); only confirmed hours count in ``Volunteer.hours_total``,
    the reports, certificates and points. The source (an order, an event …) is kept as kind + id
    + text so that this app depends on no app above it. Changed only by ``volunteers.records``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REVOKED = "revoked", _("已撤销")

    class SourceKind(models.TextChoices):
        ORDER = "order", _("点单服务")
        EVENT = "event", _("活动")
        OTHER = "other", _("其他服务")

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="service_records",
        verbose_name=_("志愿者"),
    )
    source_kind = models.CharField(_("来源"), max_length=10, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source_label = models.CharField(_("来源说明"), max_length=100, blank=True)
    content = models.CharField(_("服务内容"), max_length=200)
    category = models.CharField(_("服务类别"), max_length=50, blank=True)
    place = models.CharField(_("服务地点"), max_length=200, blank=True)
    service_date = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=3, decimal_places=1)
    # Points per confirmed hour, fixed when the record is made (the rate belongs to the service
    # category, which lives in the orders app: the caller passes it in).
    points_rate = models.PositiveSmallIntegerField(_("每小时积分"), default=10)
    # The area and organiser the record belongs to: who may confirm it and who certifies it.
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("镇（街道）"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("村（社区）"),
    )
    organiser_position = models.ForeignKey(
        "stations.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织阵地"),
    )
    organiser_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织队伍"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
        editable=False,
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
        editable=False,
    )
    # Who confirmed when no login did (the resident's rating): shown in the record.
    confirmed_label = models.CharField(_("确认方式"), max_length=50, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-service_date", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "status", "service_date"]),
            models.Index(fields=["status", "recorded_at"]),
            models.Index(fields=["source_kind", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "revoked"]),
                name="service_record_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source_kind__in=["order", "event", "other"]),
                name="service_record_source_kind_valid",
            ),
            # The bounds of volunteers.hours (equal to the migrated 0 and 24).
            models.CheckConstraint(
                condition=Q(hours__gt=MIN_HOURS, hours__lte=MAX_HOURS),
                name="service_record_hours_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="service_record_confirmed_has_time",
            ),
            # One record per volunteer per order / event: a retried request cannot add hours.
            models.UniqueConstraint(
                fields=["source_kind", "source_id", "volunteer"],
                condition=Q(source_id__isnull=False),
                name="service_record_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.service_date} {self.hours}h"


class ServiceRecordChange(StatusChange):
    """An audit row for every change of a service record: who, when, what, old → new."""

    class Action(models.TextChoices):
        CREATE = "create", _("登记")
        CONFIRM = "confirm", _("确认")
        CORRECT = "correct", _("更正")
        REVOKE = "revoke", _("撤销")

    subject_field = "record"

    record = models.ForeignKey(
        ServiceRecord, on_delete=models.PROTECT, related_name="changes", verbose_name=_("服务记录")
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=ServiceRecord.Status.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=10, choices=ServiceRecord.Status.choices)
    old_hours = models.DecimalField(
        _("原时长"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    new_hours = models.DecimalField(_("新时长"), max_digits=3, decimal_places=1)
    actor_label = models.CharField(_("操作方"), max_length=50, blank=True)
    # Unlike the base: a bounded note, and a time that may be given (the demo's history dates
    # its rows).
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta(StatusChange.Meta):
        verbose_name = _("服务记录变更")
        verbose_name_plural = _("服务记录变更")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["create", "confirm", "correct", "revoke"]),
                name="service_record_change_action_valid",
            ),
        ]

    def subject_label(self) -> str:
        return f"{self.record_id} {self.action}"

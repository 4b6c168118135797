"""Applications to join (成为志愿者) and their audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StatusChange
from stations.models import Town, Village
from volunteers.models.teams import Volunteer


class VolunteerApplication(models.Model):
    """A resident's request to join their village's volunteer team, decided by whoever manages
    the village (its station head, the town, the city). Only ``joining.services`` writes it:
    approval makes the ``Volunteer``, their login and their team membership in one transaction.

    Skills are kept as the ids of ``orders.ServiceCategory`` (this app does not know the
    categories; approval turns them into the volunteer's skills).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        DECLINED = "declined", _("未通过")

    class Availability(models.TextChoices):
        WEEKDAY_DAY = "weekday_day", _("工作日白天")
        WEEKDAY_EVENING = "weekday_evening", _("工作日晚上")
        WEEKEND = "weekend", _("周末")

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=11)
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="volunteer_applications",
        verbose_name=_("居住村（社区）"),
    )
    # Denormalised from the village: the town's queue and the admin's filter need no join.
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        related_name="volunteer_applications",
        verbose_name=_("镇（街道）"),
    )
    skill_ids = models.JSONField(_("技能（服务类别）"), default=list, blank=True)
    availability = models.JSONField(_("可服务时间"), default=list, blank=True)
    note = models.CharField(_("补充说明"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("同意服务记录规定的时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("未通过原因"), max_length=500, blank=True)
    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("志愿者"),
    )
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now, db_index=True)
    # Set when the applicant's name, phone and note were erased (``privacy``: retention after
    # the decision, or the applicant's request); the decision and its reason stay.
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("志愿者申请")
        verbose_name_plural = _("志愿者申请")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["town", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined"]),
                name="volunteer_application_status_valid",
            ),
            # One pending application per phone: two simultaneous submissions make one row.
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(status="pending"),
                name="volunteer_application_one_pending_per_phone",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""),
                name="volunteer_application_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} · {self.village}"

    @property
    def display_name(self) -> str:
        """The applicant's name, or that it was erased (``anonymised_at``)."""
        return str(_("已匿名化（个人信息已删除）")) if self.anonymised_at else self.name

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}" if len(self.phone) >= 7 else "****"

    def availability_labels(self) -> list[str]:
        labels = dict(self.Availability.choices)
        return [str(labels[code]) for code in self.availability if code in labels]


class VolunteerApplicationChange(StatusChange):
    """An audit row for every decision on an application: who, when, from → to, why."""

    subject_field = "application"

    application = models.ForeignKey(
        VolunteerApplication,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("志愿者申请"),
    )
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=VolunteerApplication.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("新状态"), max_length=10, choices=VolunteerApplication.Status.choices
    )
    # The decline reason in its own column (privacy keeps it when the applicant is erased), not
    # the base's note; and a time without an index (a queue reads an application's few rows).
    note = None
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta(StatusChange.Meta):
        verbose_name = _("志愿者申请审核记录")
        verbose_name_plural = _("志愿者申请审核记录")

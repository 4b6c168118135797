"""Certificates of service (志愿服务证明)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from volunteers.models.records import ServiceRecord
from volunteers.models.teams import Volunteer


class Certificate(models.Model):
    """A numbered certificate of a volunteer's confirmed service over a period.

    Issued by whoever kept the records (谁记录谁证明): the practice position the records belong
    to. What it certifies is a snapshot taken at issue (hours, records, issuer), so a later
    correction does not change a certificate already handed out; revoking it does, publicly,
    on its verification page ``/certificates/<code>/``.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已作废")

    number = models.CharField(_("证明编号"), max_length=30, unique=True)
    # The unguessable key of the public verification page (the QR code on the PDF).
    code = models.CharField(_("核验码"), max_length=32, unique=True, editable=False)
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("志愿者")
    )
    period_start = models.DateField(_("服务起始日期"))
    period_end = models.DateField(_("服务截止日期"))
    hours = models.DecimalField(_("已确认服务时长（小时）"), max_digits=8, decimal_places=1)
    record_count = models.PositiveIntegerField(_("服务记录数"))
    content = models.CharField(_("服务内容"), max_length=500)
    records = models.ManyToManyField(
        ServiceRecord, related_name="certificates", verbose_name=_("服务记录"), blank=True
    )
    issuer_position = models.ForeignKey(
        "stations.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("出具单位"),
    )
    issuer_name = models.CharField(_("出具单位名称"), max_length=100)
    issuer_head = models.CharField(_("负责人"), max_length=50, blank=True)
    handler_name = models.CharField(_("经办人"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    issued_at = models.DateTimeField(_("出具时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.VALID, editable=False
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作废人"),
        editable=False,
    )
    revoke_reason = models.CharField(_("作废原因"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("志愿服务证明")
        verbose_name_plural = _("志愿服务证明")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["valid", "revoked"]), name="certificate_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="certificate_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="valid") | ~Q(revoke_reason=""),
                name="certificate_revoked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

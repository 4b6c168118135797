"""Partner systems that place and follow orders through the Open311 GeoReport v2 API (a 12345
hotline, a WeChat mini-program, a county platform), and which orders each one placed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    """A partner system with one API key. Only the key's SHA-256 is stored: the key itself is
    shown once, when it is issued in the admin (``open311.services``). Revoking it (or issuing a
    new one) refuses the old key at once."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    contact = models.CharField(_("联系人与电话"), max_length=200, blank=True)
    # The key's first characters, to tell keys apart in the admin without storing the key.
    key_prefix = models.CharField(_("密钥前缀"), max_length=16, editable=False)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 合作方")
        verbose_name_plural = _("Open311 合作方")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerOrder(models.Model):
    """An order placed through the API by ``partner``: what that partner may follow."""

    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="open311",
        verbose_name=_("点单"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="orders", verbose_name=_("合作方")
    )
    # What the partner sent that the order has no field for (spec: account_id, device_id …).
    account_id = models.CharField(_("合作方账号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Open311 点单")
        verbose_name_plural = _("Open311 点单")
        indexes = [models.Index(fields=["partner", "created_at"])]

    def __str__(self) -> str:
        return f"{self.partner} · {self.order_id}"

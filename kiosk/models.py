"""A station's touch-screen kiosk (触屏一体机): the signed links that turn a browser into it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stations.models import Position


class KioskLink(models.Model):
    """One kiosk of a station. The link the head opens on the kiosk's browser carries a signed
    (station, link, secret) value; revoking the row makes that browser a plain page again."""

    station = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="kiosk_links", verbose_name=_("实践站")
    )
    label = models.CharField(_("名称"), max_length=50, help_text=_("例如：大厅一体机"))
    # Part of the signed value: a link cannot be forged from its id alone, and a new link of
    # the same id (after a database restore) does not revive an old browser.
    secret = models.CharField(_("密钥"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("吊销人"),
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("一体机链接")
        verbose_name_plural = _("一体机链接")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.station} · {self.label}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

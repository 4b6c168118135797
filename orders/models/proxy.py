"""帮办: the logins who may order on residents' behalf, one village each."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stations.models import Village


class ProxyHelper(models.Model):
    """A login who may order on residents' behalf (帮办) in one village: a village cadre, a grid
    worker (网格员) or a member of the station's staff. Granted in the admin; switching
    ``is_active`` off revokes it at once (``orders.access.proxy_villages``)."""

    class Kind(models.TextChoices):
        VILLAGE_CADRE = "village_cadre", _("村干部")
        GRID_WORKER = "grid_worker", _("网格员")
        STATION_STAFF = "station_staff", _("实践站工作人员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proxy_helper_roles",
        verbose_name=_("账号"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.CASCADE,
        related_name="proxy_helpers",
        verbose_name=_("村（社区）"),
    )
    kind = models.CharField(_("身份"), max_length=15, choices=Kind.choices)
    name = models.CharField(_("姓名"), max_length=50)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("帮办员")
        verbose_name_plural = _("帮办员")
        ordering = ["village", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "village"], name="proxy_helper_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["village_cadre", "grid_worker", "station_staff"]),
                name="proxy_helper_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）· {self.village}"

"""The wish wall (心愿墙): residents' needs that are not on the menu (微心愿).

A wish is public only after the station head approved it; its phone never is. Volunteers of the
area claim it like an order, and fulfil it; the station head may instead turn it into an event
or into a suggestion for the town's menu.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from core.models import StatusChange
from events.models import Event
from orders.models import ServiceCategory
from stations.models import Town, Village
from volunteers.models import Volunteer

DESCRIPTION_MAX = 200  # shown on the public wall: a short need, not a letter
NAME_MAX = 20
REASON_MAX = 200
NOTE_MAX = 500


class Wish(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        REJECTED = "rejected", _("未通过")
        OPEN = "open", _("待认领")
        CLAIMED = "claimed", _("已认领")
        FULFILLED = "fulfilled", _("已实现")
        CONVERTED = "converted", _("已转办")

    #: On the public wall (approved, and not turned away).
    PUBLIC = (Status.OPEN, Status.CLAIMED, Status.FULFILLED, Status.CONVERTED)
    #: The station head may still turn it into an event or a menu suggestion.
    CONVERTIBLE = (Status.SUBMITTED, Status.OPEN)

    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="wishes", verbose_name=_("村（社区）")
    )
    # Denormalised from village: scoping filters by town without a join.
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="wishes", verbose_name=_("镇（街道）")
    )
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="wishes", verbose_name=_("类别")
    )
    description = models.CharField(_("心愿内容"), max_length=DESCRIPTION_MAX)
    # Private: the station and the volunteer who claimed it only (PIPL).
    name = models.CharField(_("称呼"), max_length=NAME_MAX, blank=True)
    phone = models.CharField(_("手机号"), max_length=11)

    claimed_by = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("认领志愿者"),
    )
    reason = models.CharField(_("未通过原因"), max_length=REASON_MAX, blank=True)
    fulfil_note = models.CharField(_("实现情况"), max_length=NOTE_MAX, blank=True)
    event = models.OneToOneField(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_wish",
        verbose_name=_("转为活动"),
    )

    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    approved_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("实现时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # When the retention run (privacy.services.anonymise_expired) erased the name and phone.
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("心愿")
        verbose_name_plural = _("心愿墙")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "town"]),
            models.Index(fields=["status", "village"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "submitted",
                        "rejected",
                        "open",
                        "claimed",
                        "fulfilled",
                        "converted",
                    ]
                ),
                name="wish_status_valid",
            ),
            # A claimed or fulfilled wish has its volunteer; only claimed wishes are claimed.
            models.CheckConstraint(
                condition=~Q(status__in=["claimed", "fulfilled"]) | Q(claimed_by__isnull=False),
                name="wish_claimed_has_volunteer",
            ),
            models.CheckConstraint(
                condition=~Q(status="fulfilled") | Q(fulfilled_at__isnull=False),
                name="wish_fulfilled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} · {self.description[:20]}"

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC

    @property
    def may_review(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def may_claim(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def may_fulfil(self) -> bool:
        return self.status == self.Status.CLAIMED

    @property
    def may_release(self) -> bool:
        return self.status == self.Status.CLAIMED

    @property
    def may_convert(self) -> bool:
        return self.status in self.CONVERTIBLE

    @property
    def masked_phone(self) -> str:
        return phone_numbers.mask(self.phone)


class WishStatusChange(StatusChange):
    """One row per step of a wish: who, when, from, to, and the reason or note."""

    subject_field = "wish"

    wish = models.ForeignKey(
        Wish, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("心愿")
    )
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=Wish.Status.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=10, choices=Wish.Status.choices)
    # Bounded, unlike the base's: a reason typed on the wish wall's moderation page.
    note = models.CharField(_("备注"), max_length=NOTE_MAX, blank=True)

    class Meta(StatusChange.Meta):
        verbose_name = _("心愿状态变更")
        verbose_name_plural = _("心愿状态变更")


class MenuSuggestion(models.Model):
    """A station head's suggestion, from a wish, that the town's menu offer a new service; the
    city centre, who runs the catalogue, reads them in the admin."""

    wish = models.OneToOneField(
        Wish, on_delete=models.CASCADE, related_name="suggestion", verbose_name=_("来源心愿")
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.CASCADE,
        related_name="menu_suggestions",
        verbose_name=_("镇（街道）"),
    )
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        related_name="menu_suggestions",
        verbose_name=_("服务类别"),
    )
    title = models.CharField(_("建议服务名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=NOTE_MAX, blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("建议人"),
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("菜单建议")
        verbose_name_plural = _("菜单建议")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

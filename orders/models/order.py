"""The resident's order (点单 → 接单 → 评单): its statuses and what each allows, and the
monthly sequence its number comes from."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from orders.models.catalogue import MenuItem, ServiceCategory, TargetGroup
from stations.models import Town, Village
from volunteers.models import Team, Volunteer


class Order(models.Model):
    """A resident's order for a menu service in their village."""

    class Channel(models.TextChoices):
        """The door the order came in through (issue 13): every order records one."""

        WEB = "web", _("网页点单")
        KIOSK = "kiosk", _("触屏一体机")
        PROXY = "proxy", _("帮办代点")
        API = "api", _("接口（热线等）")
        OPEN311 = "open311", _("Open311 接口")

    class Tier(models.TextChoices):
        """Who the order is offered to: the village first, then up the tiers (``escalation``)."""

        VILLAGE = "village", _("村级")
        TOWN = "town", _("镇街")
        CITY = "city", _("市级")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        OPEN = "open", _("待接单")
        ACCEPTED = "accepted", _("已接单")
        COMPLETED = "completed", _("已完成")
        RATED = "rated", _("已评价")
        CANCELLED = "cancelled", _("已取消")
        REJECTED = "rejected", _("未通过")

    # Status groups: the one list of which statuses belong together. Services, selectors, views,
    # templates, the admin, the API and reports use these (or the ``is_…``/``may_…`` properties
    # below) instead of spelling statuses out, so adding a status means revisiting this block.
    #: Nobody has taken the order on yet (待审核 or 待接单): it may be assigned, cancelled by the
    #: resident, and it is what "overdue" measures.
    WAITING = (Status.SUBMITTED, Status.OPEN)
    #: Open to the volunteers of its town: the only status a volunteer may claim from.
    CLAIMABLE = (Status.OPEN,)
    #: Someone is serving it: the owner may complete or release it.
    IN_SERVICE = (Status.ACCEPTED,)
    #: The service happened (with or without a rating): hours count, it is "practice".
    SERVED = (Status.COMPLETED, Status.RATED)
    #: Has an owner (a volunteer or a team): the DB constraint ``order_owned_once_accepted``.
    OWNED = (*IN_SERVICE, *SERVED)
    #: Ended without a service; never counts as a service in reports.
    CLOSED = (Status.CANCELLED, Status.REJECTED)
    #: Still alive: an area admin may cancel it.
    LIVE = (*WAITING, *IN_SERVICE)

    number = models.CharField(_("单号"), max_length=20, unique=True)
    tracking_token = models.CharField(_("查询令牌"), max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    channel = models.CharField(
        _("点单渠道"), max_length=10, choices=Channel.choices, default=Channel.WEB, editable=False
    )

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="orders", verbose_name=_("村（社区）")
    )
    # Denormalised from village: scoping and reports filter by town without a join.
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="orders", verbose_name=_("镇（街道）")
    )
    menu_item = models.ForeignKey(
        MenuItem, on_delete=models.PROTECT, related_name="orders", verbose_name=_("服务项")
    )
    # Denormalised from the menu item at submission: reports group by category.
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="orders", verbose_name=_("服务类别")
    )

    name = models.CharField(_("联系人"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=11)
    description = models.TextField(_("需求描述"), blank=True)
    preferred_date = models.DateField(_("期望日期"), null=True, blank=True)
    preferred_window = models.CharField(_("期望时段"), max_length=50, blank=True)
    people = models.PositiveIntegerField(_("服务人数"), default=1)
    target_group = models.CharField(
        _("定向服务对象"), max_length=25, choices=TargetGroup.choices, blank=True
    )

    accepted_by = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_orders",
        verbose_name=_("接单志愿者"),
    )
    accepted_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_orders",
        verbose_name=_("接单队伍"),
    )
    service_date = models.DateField(_("服务日期"), null=True, blank=True)
    hours = models.DecimalField(
        _("服务时长（小时）"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    report = models.TextField(_("服务记录"), blank=True)
    stars = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.TextField(_("评价"), blank=True)
    needs_follow_up = models.BooleanField(_("需回访"), default=False)
    # Whether someone held the order (accepted) when its overdue deadline ran out; written when
    # such an order is given back (``order_release``), and read only while it waits again: it
    # is why an order accepted in time and released later is not overdue (``is_overdue``).
    held_at_deadline = models.BooleanField(
        _("接单时限届满时已有人接单"), default=False, editable=False
    )
    reason = models.TextField(_("取消/驳回原因"), blank=True)
    # Escalation (orders.escalation): the tier the order has climbed to while nobody accepted it,
    # when it last climbed, and the team offered it there (the town detachment, or the city's
    # characteristic detachment). Frozen once accepted: the tier that served it (reports).
    tier = models.CharField(
        _("服务层级"), max_length=10, choices=Tier.choices, default=Tier.VILLAGE, editable=False
    )
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True, editable=False)
    escalated_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_orders",
        verbose_name=_("升级后承接队伍"),
        editable=False,
    )
    # A low rating's follow-up may open a new order for the same resident and service.
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_orders",
        verbose_name=_("回访来源点单"),
        editable=False,
    )
    # The station head's follow-up of a low rating (1–2 stars): when and what was done.
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    follow_up_note = models.TextField(_("回访记录"), blank=True)

    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    opened_at = models.DateTimeField(_("开放接单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("取消/驳回时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # 帮办: the helper who placed the order for the resident (channel proxy), and when they
    # confirmed the resident's consent (居民已同意代为点单); empty for the resident's own orders.
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proxy_orders",
        verbose_name=_("帮办员"),
        editable=False,
    )
    proxy_consent_at = models.DateTimeField(
        _("居民同意代为点单时间"), null=True, blank=True, editable=False
    )
    # PIPL: set when the resident's name and phone were erased (retention or on request);
    # see privacy.services. The order, its history and the reports stay.
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("点单")
        verbose_name_plural = _("点单")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "village"]),
            models.Index(fields=["status", "town"]),
            models.Index(fields=["town", "created_at"]),
            models.Index(fields=["phone", "village", "menu_item", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                # The database's copies of Status.values and OWNED (Meta cannot see the class
                # body); tests/orders/test_models.py pins them to the groups above.
                condition=Q(
                    status__in=[
                        "submitted",
                        "open",
                        "accepted",
                        "completed",
                        "rated",
                        "cancelled",
                        "rejected",
                    ]
                ),
                name="order_status_valid",
            ),
            models.CheckConstraint(
                # The database's copy of Channel.values (pinned by tests/orders/test_models.py).
                condition=Q(channel__in=["web", "kiosk", "proxy", "api", "open311"]),
                name="order_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                name="order_stars_1_to_5",
            ),
            models.CheckConstraint(condition=Q(people__gte=1), name="order_people_positive"),
            models.CheckConstraint(
                condition=Q(tier__in=["village", "town", "city"]), name="order_tier_valid"
            ),
            # An accepted order has one owner: a volunteer or a team.
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "completed", "rated"])
                | Q(accepted_by__isnull=False)
                | Q(accepted_team__isnull=False),
                name="order_owned_once_accepted",
            ),
            models.CheckConstraint(
                condition=~Q(status="rated") | Q(stars__isnull=False), name="order_rated_has_stars"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # --- what the status allows -------------------------------------------------------------
    # These say which steps the *status* allows; who may take them is ``orders.access``. A
    # service checks both: the person first (404/403), then the status (409).

    @property
    def is_waiting(self) -> bool:
        return self.status in self.WAITING

    @property
    def is_served(self) -> bool:
        return self.status in self.SERVED

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    # --- overdue (超时未接单) ----------------------------------------------------------------
    # The one definition (README "Report figures"): an order is overdue once its deadline,
    # WENMING_ORDER_OVERDUE_HOURS after it was received, has passed while it was still waiting.
    # ``reports.figures`` judges past months with the same deadline from the status-change
    # rows; the lists, the API, the digest and the badge ask ``is_overdue`` / ``overdue_q``,
    # computed on read, so they are right whether or not any periodic task has run.

    @staticmethod
    def overdue_window() -> dt.timedelta:
        """How long an order may wait: ``WENMING_ORDER_OVERDUE_HOURS``."""
        return dt.timedelta(hours=settings.WENMING_ORDER_OVERDUE_HOURS)

    @classmethod
    def overdue_deadline(cls, created_at: dt.datetime) -> dt.datetime:
        """The moment an order received at ``created_at`` becomes overdue if it is waiting then."""
        return created_at + cls.overdue_window()

    @classmethod
    def overdue_cutoff(cls, now: dt.datetime) -> dt.datetime:
        """``overdue_deadline`` turned round for queries: an order's deadline is at or before
        ``now`` exactly when its ``created_at`` is at or before this. Queries compare the column
        with this parameter (never the column plus an interval) so that the index on
        ``created_at`` stays usable."""
        return now - cls.overdue_window()

    @classmethod
    def overdue_now(
        cls, *, status: str, created_at: dt.datetime, held_at_deadline: bool, now: dt.datetime
    ) -> bool:
        """Overdue at ``now``: still waiting, its deadline has passed, and nobody held it when
        the deadline ran out (one accepted in time and released later is not overdue). For the
        API's rows, which are values rather than orders; ``overdue_q`` says the same in SQL."""
        return (
            status in cls.WAITING
            and not held_at_deadline
            and cls.overdue_deadline(created_at) <= now
        )

    @property
    def is_overdue(self) -> bool:
        """Overdue now (the badge, the API's ``is_overdue``): see ``overdue_now``."""
        return self.created_at is not None and self.overdue_now(
            status=self.status,
            created_at=self.created_at,
            held_at_deadline=self.held_at_deadline,
            now=timezone.now(),
        )

    @classmethod
    def overdue_q(cls, now: dt.datetime | None = None) -> Q:
        """``is_overdue`` as a filter: the lists' overdue-first order, the API's ``?is_overdue``,
        the admins' digest."""
        return Q(
            status__in=cls.WAITING,
            held_at_deadline=False,
            created_at__lte=cls.overdue_cutoff(now or timezone.now()),
        )

    @property
    def may_review(self) -> bool:
        """Approve or reject: only before review (待审核)."""
        return self.status == self.Status.SUBMITTED

    @property
    def may_claim(self) -> bool:
        return self.status in self.CLAIMABLE

    @property
    def may_assign(self) -> bool:
        """The station may dispatch (派单) until someone has it; assigning also approves."""
        return self.status in self.WAITING

    @property
    def may_complete(self) -> bool:
        return self.status in self.IN_SERVICE

    @property
    def may_release(self) -> bool:
        return self.status in self.IN_SERVICE

    @property
    def may_rate(self) -> bool:
        """The resident rates once, after the service (a rated order is not rated again)."""
        return self.status == self.Status.COMPLETED

    @property
    def resident_may_cancel(self) -> bool:
        """Residents may withdraw an order until someone has taken it on."""
        return self.status in self.WAITING

    @property
    def admin_may_cancel(self) -> bool:
        """Area admins may also cancel an order that is being served (the resident moved …)."""
        return self.status in self.LIVE

    @property
    def owner_label(self) -> str:
        """Who took the order on, as a resident may see it: a given name or a team name."""
        if self.accepted_by_id:
            return self.accepted_by.given_name
        if self.accepted_team_id:
            return self.accepted_team.name
        return ""

    @property
    def masked_phone(self) -> str:
        """The phone as most people may see it (PIPL): 138****1234."""
        return phone_numbers.mask(self.phone)


class OrderNumberSequence(models.Model):
    """The last order number handed out in a month: numbers read ``WM-202612-000123``.

    One row per month, incremented with a row-locking UPDATE so that concurrent submissions never
    share a number (see ``orders.submission.next_number``).
    """

    # What a number looks like: "WM-", the (Asia/Shanghai) year and month, the month's sequence.
    PATTERN = r"WM-[0-9]{6}-[0-9]{6}"

    month = models.CharField(_("月份"), max_length=6, primary_key=True)
    last = models.PositiveIntegerField(_("最后序号"), default=0)

    class Meta:
        verbose_name = _("点单编号序列")
        verbose_name_plural = _("点单编号序列")

    def __str__(self) -> str:
        return f"{self.month}: {self.last}"

    @staticmethod
    def number(month: str, sequence: int) -> str:
        """The order number of ``sequence`` in ``month`` (``"202612"``): ``WM-202612-000123``."""
        return f"WM-{month}-{sequence:06d}"

"""The practice menu (文明实践菜单) and the resident's orders (点单 → 接单 → 评单)."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from core.names import in_language
from stations.models import Town, Village
from volunteers.models import Team, Volunteer, given_name


class TargetGroup(models.TextChoices):
    """People with special needs that targeted services (定向服务) are for."""

    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    LEFT_BEHIND_CHILDREN = "left_behind_children", _("留守儿童")
    DISABLED = "disabled", _("残疾人")
    NEEDY_FAMILIES = "needy_families", _("困难家庭")
    VETERANS = "veterans", _("退役军人")


class Platform(models.Model):
    """One of the seven service platforms (七大平台), each run by a city department."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    name_en = models.CharField(
        _("英文名称"), max_length=80, blank=True, help_text=_("英文界面显示；留空则显示中文名称。")
    )
    department = models.CharField(_("牵头部门"), max_length=100, blank=True)
    description = models.TextField(_("简介"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服务平台")
        verbose_name_plural = _("服务平台")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (``core.names``)."""
        return in_language(self.name, self.name_en)


class ServiceCategory(models.Model):
    """A service category named for villages (文明宣讲, 法治, 风尚 …); also a volunteer's skill."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    name_en = models.CharField(
        _("英文名称"), max_length=80, blank=True, help_text=_("英文界面显示；留空则显示中文名称。")
    )
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    description = models.TextField(_("简介"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    points_per_hour = models.PositiveSmallIntegerField(
        _("每小时积分"),
        default=10,
        validators=[MaxValueValidator(1000)],
        help_text=_("确认的服务时长每小时计多少积分（积分超市）。"),
    )
    # Declared here rather than on Volunteer because volunteers must not depend on orders.
    volunteers = models.ManyToManyField(
        Volunteer,
        through="VolunteerSkill",
        related_name="skills",
        blank=True,
        verbose_name=_("具备此技能的志愿者"),
    )

    class Meta:
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (``core.names``)."""
        return in_language(self.name, self.name_en)


class VolunteerSkill(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="skill_links", verbose_name=_("志愿者")
    )
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.CASCADE,
        related_name="skill_links",
        verbose_name=_("服务类别"),
    )

    class Meta:
        verbose_name = _("志愿者技能")
        verbose_name_plural = _("志愿者技能")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "category"], name="volunteer_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.category}"


class MenuItem(models.Model):
    """A service on the practice menu (送餐) that residents can order (点餐)."""

    class Reach(models.TextChoices):
        CITYWIDE = "citywide", _("全市")
        TOWNS = "towns", _("指定镇街")
        VILLAGES = "villages", _("指定村（社区）")

    title = models.CharField(_("服务名称"), max_length=100)
    title_en = models.CharField(
        _("英文名称"), max_length=150, blank=True, help_text=_("英文界面显示；留空则显示中文名称。")
    )
    description = models.TextField(_("服务内容"), blank=True)
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="menu_items", verbose_name=_("服务平台")
    )
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        related_name="menu_items",
        verbose_name=_("服务类别"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="menu_items",
        verbose_name=_("提供队伍"),
    )
    reach = models.CharField(
        _("服务范围"), max_length=10, choices=Reach.choices, default=Reach.CITYWIDE
    )
    towns = models.ManyToManyField(
        Town, blank=True, related_name="menu_items", verbose_name=_("服务镇街")
    )
    villages = models.ManyToManyField(
        Village, blank=True, related_name="menu_items", verbose_name=_("服务村（社区）")
    )
    target_group = models.CharField(
        _("定向服务对象"),
        max_length=25,
        choices=TargetGroup.choices,
        blank=True,
        help_text=_("留空表示面向全体群众的普遍服务。"),
    )
    duration_minutes = models.PositiveIntegerField(_("一般时长（分钟）"), default=60)
    is_active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("菜单服务项")
        verbose_name_plural = _("实践菜单")
        ordering = ["category__sort_order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reach__in=["citywide", "towns", "villages"]),
                name="menu_item_reach_valid",
            ),
            models.UniqueConstraint(
                fields=["platform", "title"], name="menu_item_title_unique_in_platform"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The service's name in the reader's language (``core.names``)."""
        return in_language(self.title, self.title_en)


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
    is_overdue = models.BooleanField(_("超时未接单"), default=False)
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

    @staticmethod
    def overdue_cutoff(now: dt.datetime) -> dt.datetime:
        """A waiting order created before this moment is overdue (``WENMING_ORDER_OVERDUE_HOURS``
        after its creation); the periodic flag and the demo history both ask here."""
        return now - dt.timedelta(hours=settings.WENMING_ORDER_OVERDUE_HOURS)

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
    def shows_overdue(self) -> bool:
        """The overdue badge: flagged and still waiting (accepting clears the flag anyway)."""
        return self.is_overdue and self.is_waiting

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


class OrderStatusChange(models.Model):
    """One row per transition of an order: who, when, from, to, and why.

    The timeline is read in the reader's language, not the writer's: who acted is a code
    (``actor_kind``) plus, for a volunteer, their given name (``actor_label``); a note the
    system wrote is a code (``note_kind``) with its data (``note_data``), and the sentence is
    translated when it is shown (``actor_display``, ``note_display``). What people typed
    (reasons, service reports) stays in ``note`` as they typed it.
    """

    class ActorKind(models.TextChoices):
        RESIDENT = "resident", _("居民")
        VOLUNTEER = "volunteer", _("志愿者")
        STATION_HEAD = "station_head", _("站长")
        TOWN_ADMIN = "town_admin", _("镇街管理员")
        CITY_ADMIN = "city_admin", _("市级管理员")
        ADMIN = "admin", _("管理员")
        SYSTEM = "system", _("系统")
        HELPER = "helper", _("帮办员")
        PARTNER = "partner", _("合作系统")

    class NoteKind(models.TextChoices):
        AUTO_OPENED = "auto_opened", _("自动开放接单")
        ASSIGNED = "assigned", _("派单对象")
        RATED = "rated", _("评价")
        ESCALATED = "escalated", _("升级")
        FOLLOWED_UP = "followed_up", _("差评回访")
        FOLLOW_UP_ORDER = "follow_up_order", _("回访新开点单")
        FOLLOW_UP_OF = "follow_up_of", _("回访来源点单")
        PROXY = "proxy", _("帮办代点")
        PARTNER = "partner", _("合作系统提交")

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("点单")
    )
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=Order.Status.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=10, choices=Order.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # Blank only on rows older than the field whose label matched nothing the code wrote.
    actor_kind = models.CharField(
        _("操作人类别"), max_length=20, choices=ActorKind.choices, blank=True
    )
    # A volunteer's given name. For the other kinds, the label in the source language as it
    # was written (kept for readers of the raw column); pages and the API show the kind.
    actor_label = models.CharField(_("操作人显示名"), max_length=50, blank=True)
    # Free text typed by a person, or (with ``note_kind``) the system's sentence in the source
    # language as it was written, kept for readers of the raw column.
    note = models.TextField(_("备注"), blank=True)
    note_kind = models.CharField(
        _("系统备注类别"), max_length=20, choices=NoteKind.choices, blank=True
    )
    # assigned: {"who": name, "volunteer_id" | "team_id": id}; rated: {"stars": n, "comment": text};
    # escalated: {"tier": "town" | "city", "team": name, "team_id": id};
    # follow_up_order / follow_up_of: {"number": the other order's number, "order_id": its id}
    # proxy: {"who": the helper's name, "kind": ProxyHelper.Kind}; partner: {"who": partner name}
    note_data = models.JSONField(_("系统备注数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("点单状态变更")
        verbose_name_plural = _("点单状态变更")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.from_status}→{self.to_status}"

    @property
    def actor_display(self) -> str:
        """Who acted, in the active language: a volunteer's given name, or their role."""
        if self.actor_kind and self.actor_kind != self.ActorKind.VOLUNTEER:
            return str(self.get_actor_kind_display())
        return self.actor_label

    @property
    def note_display(self) -> str:
        """The note in the active language, for staff; what a person typed is shown as typed."""
        return self._note(public=False)

    @property
    def public_note_display(self) -> str:
        """The note as the resident may see it (tracking page and API): a volunteer it was
        assigned to appears by given name only, as everywhere else residents look (PIPL)."""
        return self._note(public=True)

    def _note(self, *, public: bool) -> str:
        data = self.note_data or {}
        if self.note_kind == self.NoteKind.AUTO_OPENED:
            return gettext("本站未开启审核，自动开放接单。")
        if self.note_kind == self.NoteKind.ASSIGNED:
            who = data.get("who", "")
            if public and "team_id" not in data:
                # Rows from before the given name was stored: drop the surname the same way.
                who = data.get("given") or given_name(who)
            return gettext("派单给 %(who)s") % {"who": who}
        if self.note_kind == self.NoteKind.RATED:
            stars = int(data.get("stars", 0))
            if data.get("comment"):
                text = ngettext("%(n)d 星：%(comment)s", "%(n)d 星：%(comment)s", stars)
            else:
                text = ngettext("%(n)d 星", "%(n)d 星", stars)
            return text % {"n": stars, "comment": data.get("comment", "")}
        if self.note_kind == self.NoteKind.ESCALATED:
            tier = Order.Tier(data["tier"]).label if data.get("tier") in Order.Tier.values else ""
            if data.get("team"):
                return gettext("无人接单，已升级至%(tier)s：%(team)s") % {
                    "tier": tier,
                    "team": data["team"],
                }
            return gettext("无人接单，已升级至%(tier)s") % {"tier": tier}
        if self.note_kind == self.NoteKind.FOLLOWED_UP:
            return gettext("站长已回访群众")
        if self.note_kind == self.NoteKind.FOLLOW_UP_ORDER:
            return gettext("差评回访后新开点单 %(number)s") % {"number": data.get("number", "")}
        if self.note_kind == self.NoteKind.FOLLOW_UP_OF:
            return gettext("由点单 %(number)s 的差评回访新开") % {"number": data.get("number", "")}
        if self.note_kind == self.NoteKind.PROXY:
            if public:  # the resident's page names the role, not the person
                return gettext("帮办员代为点单（居民已同意）。")
            kind = ProxyHelper.Kind(data["kind"]).label if data.get("kind") else ""
            return gettext("帮办员 %(who)s%(kind)s代为点单（居民已同意）。") % {
                "who": data.get("who", ""),
                "kind": f"（{kind}）" if kind else "",
            }
        if self.note_kind == self.NoteKind.PARTNER:
            return gettext("经合作系统“%(who)s”提交。") % {"who": data.get("who", "")}
        return self.note


class OrderNumberSequence(models.Model):
    """The last order number handed out in a month: numbers read ``WM-202612-000123``.

    One row per month, incremented with a row-locking UPDATE so that concurrent submissions never
    share a number (see ``orders.submission.next_number``).
    """

    month = models.CharField(_("月份"), max_length=6, primary_key=True)
    last = models.PositiveIntegerField(_("最后序号"), default=0)

    class Meta:
        verbose_name = _("点单编号序列")
        verbose_name_plural = _("点单编号序列")

    def __str__(self) -> str:
        return f"{self.month}: {self.last}"


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

"""The "1+N" volunteer organisation: the general team, its detachments, squads and village teams."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import City, Town, Village


class Team(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("志愿服务总队")
        DETACHMENT = "detachment", _("特色服务支队")
        TOWN_DETACHMENT = "town_detachment", _("镇街支队")
        SQUAD = "squad", _("小队")
        VILLAGE_TEAM = "village_team", _("村级志愿服务队")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级队伍"),
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="teams", verbose_name=_("市")
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("镇（街道）"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("村（社区）"),
    )
    captain = models.ForeignKey(
        "Volunteer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="captained_teams",
        verbose_name=_("队长"),
    )
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("志愿服务队伍")
        verbose_name_plural = _("志愿服务队伍")
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["general", "detachment", "town_detachment", "squad", "village_team"]
                ),
                name="team_kind_valid",
            ),
            # The area a team works in follows from its kind.
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["general", "detachment"], town__isnull=True, village__isnull=True)
                    | Q(
                        kind__in=["town_detachment", "squad"],
                        town__isnull=False,
                        village__isnull=True,
                    )
                    | Q(kind="village_team", town__isnull=False, village__isnull=False)
                ),
                name="team_area_matches_kind",
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="team_name_unique_in_parent"),
            # City-level teams without a parent would never clash above (NULLs are distinct).
            models.UniqueConstraint(
                fields=["city", "name"],
                condition=Q(parent__isnull=True, kind__in=["general", "detachment"]),
                name="team_name_unique_at_top",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Explain which area each kind of team needs, before the database constraint refuses."""
        super().clean()
        city_level = {self.Kind.GENERAL, self.Kind.DETACHMENT}
        if self.kind in city_level and (self.town_id or self.village_id):
            raise ValidationError(_("总队和特色支队面向全市，请不要选择镇（街道）或村（社区）。"))
        if self.kind == self.Kind.VILLAGE_TEAM:
            if not self.village_id:
                raise ValidationError({"village": _("村级志愿服务队需要选择所在村（社区）。")})
            self.town_id = self.village.town_id
        elif self.kind in {self.Kind.TOWN_DETACHMENT, self.Kind.SQUAD}:
            if not self.town_id:
                raise ValidationError({"town": _("镇街支队和小队需要选择所在镇（街道）。")})
            if self.village_id:
                raise ValidationError({"village": _("镇街支队和小队不属于某个村，请留空。")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("上级队伍不能是队伍本身。")})


class Volunteer(models.Model):
    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("居民身份证")
        HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
        TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
        PASSPORT = "passport", _("护照")
        OTHER = "other", _("其他证件")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    home_village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("居住村（社区）"),
    )
    # Denormalised from home_village so that town-level lists and reports need no join.
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("镇（街道）"),
        editable=False,
    )
    teams = models.ManyToManyField(
        Team, through="Membership", related_name="members", verbose_name=_("所属队伍"), blank=True
    )
    # Identity for the service certificate (志愿服务证明); shown masked everywhere but the admin.
    id_type = models.CharField(
        _("证件类型"), max_length=15, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    volunteer_number = models.CharField(
        _("志愿者编号"), max_length=30, blank=True, help_text=_("留空时按登记顺序自动编号。")
    )
    is_active = models.BooleanField(_("在册"), default=True)
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)
    hours_total = models.DecimalField(
        _("累计服务时长（小时）"), max_digits=8, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["home_village", "is_active"]),
            models.Index(fields=["town", "is_active"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer_number"],
                condition=~Q(volunteer_number=""),
                name="volunteer_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Keep the denormalised town in step with the home village.
        if self.home_village_id and (not self.town_id or self.town_id != self.home_village.town_id):
            self.town_id = self.home_village.town_id
        super().save(*args, **kwargs)

    @property
    def number(self) -> str:
        """The volunteer number on certificates: the one entered, else one derived from the id."""
        return self.volunteer_number or f"WM{self.pk:08d}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def given_name(self) -> str:
        """What a resident sees of the volunteer: the given name, without the surname."""
        return given_name(self.name)


def given_name(full_name: str) -> str:
    """A volunteer's name as residents see it (PIPL): without the one-character surname."""
    return full_name[1:] if len(full_name) >= 2 else full_name


def mask_id_number(number: str) -> str:
    """An ID number with all but its first and last few characters hidden (PIPL)."""
    number = (number or "").strip()
    if not number:
        return ""
    if len(number) <= 4:
        return "*" * len(number)
    keep = 4 if len(number) >= 12 else 1
    head = 6 if len(number) >= 15 else keep
    return number[:head] + "*" * (len(number) - head - keep) + number[-keep:]


def mask_name(full_name: str) -> str:
    """A name on a public page: the surname and a star for each other character."""
    return full_name[:1] + "*" * (len(full_name) - 1) if len(full_name) >= 2 else full_name


class Membership(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("队伍")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("志愿者")
    )
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("队伍成员")
        verbose_name_plural = _("队伍成员")
        constraints = [
            models.UniqueConstraint(fields=["team", "volunteer"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.team}"


# --- service records (志愿服务记录) -----------------------------------------------------------

# 0 < hours <= 24 with one decimal: one record is one day's service at most.
MAX_RECORD_HOURS = 24


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
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=MAX_RECORD_HOURS),
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


class ServiceRecordChange(models.Model):
    """An audit row for every change of a service record: who, when, what, old → new."""

    class Action(models.TextChoices):
        CREATE = "create", _("登记")
        CONFIRM = "confirm", _("确认")
        CORRECT = "correct", _("更正")
        REVOKE = "revoke", _("撤销")

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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作方"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("服务记录变更")
        verbose_name_plural = _("服务记录变更")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["create", "confirm", "correct", "revoke"]),
                name="service_record_change_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.action} {self.from_status}→{self.to_status}"


# --- certificates (志愿服务证明) ------------------------------------------------------------------


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


class VolunteerStanding(models.Model):
    """Where a volunteer lived and whether they were active, from a moment on: one row per
    change, written by ``volunteers.services.record_standings`` whenever a volunteer is saved
    or marked (in)active. The reports read it to count a village's team (有队伍) at the end of
    a past month, so a volunteer who joined and later left still counts for the months between.
    """

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="standings", verbose_name=_("志愿者")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("居住村（社区）")
    )
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="+", verbose_name=_("镇（街道）")
    )
    is_active = models.BooleanField(_("在册"))
    since = models.DateTimeField(_("起始时间"))

    class Meta:
        verbose_name = _("志愿者在册记录")
        verbose_name_plural = _("志愿者在册记录")
        ordering = ["volunteer", "since", "id"]
        indexes = [models.Index(fields=["volunteer", "since"])]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.village_id} {self.is_active} {self.since:%Y-%m-%d}"


# --- points (积分) and the points supermarket (积分超市) -----------------------------------------


class Reward(models.Model):
    """An item of a station's points supermarket, kept by the station head."""

    position = models.ForeignKey(
        "stations.Position",
        on_delete=models.PROTECT,
        related_name="rewards",
        verbose_name=_("实践站"),
    )
    name = models.CharField(_("物品"), max_length=100)
    points = models.PositiveIntegerField(_("所需积分"))
    stock = models.PositiveIntegerField(_("库存"), default=0)
    is_active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("积分兑换物品")
        verbose_name_plural = _("积分兑换物品")
        ordering = ["position", "points", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=1, points__lte=1_000_000), name="reward_points_range"
            ),
            # Concurrent redemptions decrement with a conditional UPDATE; this is the backstop.
            models.CheckConstraint(condition=Q(stock__gte=0), name="reward_stock_gte_0"),
            models.UniqueConstraint(fields=["position", "name"], name="reward_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """A volunteer exchanged points for an item at the station (recorded by the station head)."""

    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("物品")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("志愿者")
    )
    points = models.PositiveIntegerField(_("消耗积分"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    created_at = models.DateTimeField(_("兑换时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.reward_id} -{self.points}"


class PointsEntry(models.Model):
    """One line of the append-only points ledger; a volunteer's balance is the sum of theirs.

    Rows are only ever inserted (``volunteers.points``); on PostgreSQL a trigger refuses UPDATE
    and DELETE (migration ``0007``), and the model refuses them in Python too.
    """

    class Kind(models.TextChoices):
        EARN = "earn", _("服务获得")
        REDEEM = "redeem", _("兑换")
        REVERSE = "reverse", _("冲正")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="points_entries", verbose_name=_("志愿者")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    points = models.IntegerField(_("积分"))
    record = models.ForeignKey(
        ServiceRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_entries",
        verbose_name=_("服务记录"),
    )
    redemption = models.OneToOneField(
        Redemption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry",
        verbose_name=_("兑换"),
    )
    # The day of service an earning counts against for the daily and monthly caps.
    service_date = models.DateField(_("服务日期"), null=True, blank=True)
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("镇（街道）"),
        help_text=_("志愿者所在镇（街道），用于按镇统计。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = _("积分明细")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["earn", "redeem", "reverse"]), name="points_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="earn", points__gte=0, record__isnull=False)
                    | Q(kind="redeem", points__lt=0, redemption__isnull=False)
                    | Q(kind="reverse", points__lte=0, record__isnull=False)
                ),
                name="points_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.kind} {self.points:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("PointsEntry rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("PointsEntry rows are append-only")


# --- applications to join (成为志愿者) ------------------------------------------------------


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


class VolunteerApplicationChange(models.Model):
    """An audit row for every decision on an application: who, when, from → to, why."""

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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("志愿者申请审核记录")
        verbose_name_plural = _("志愿者申请审核记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_status}→{self.to_status}"

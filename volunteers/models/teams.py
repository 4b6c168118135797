"""Volunteers and their "1+N" teams: teams, memberships, standing over time."""

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

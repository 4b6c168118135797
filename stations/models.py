"""The city–town–village hierarchy (市—镇—村) and its practice positions (阵地)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import pinyin


class City(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    code = models.CharField(_("区划代码"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("市")
        verbose_name_plural = _("市")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Town(models.Model):
    class Kind(models.TextChoices):
        TOWN = "town", _("镇")
        SUBDISTRICT = "subdistrict", _("街道")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="towns", verbose_name=_("市")
    )
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.TOWN)
    code = models.CharField(_("区划代码"), max_length=12, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("镇（街道）")
        verbose_name_plural = _("镇（街道）")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="town_name_unique_in_city"),
            models.CheckConstraint(
                condition=Q(kind__in=["town", "subdistrict"]), name="town_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    class Kind(models.TextChoices):
        VILLAGE = "village", _("村")
        COMMUNITY = "community", _("社区")

    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="villages", verbose_name=_("镇（街道）")
    )
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.VILLAGE)
    code = models.CharField(_("区划代码"), max_length=12, blank=True)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    # The name in pinyin for search ("sunbucun sbc"); set from the name on every save and by the
    # demo seeding's bulk_create (core.pinyin).
    name_pinyin = models.CharField(_("拼音"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("村（社区）")
        verbose_name_plural = _("村（社区）")
        ordering = ["town__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="village_name_unique_in_town"),
            models.CheckConstraint(
                condition=Q(kind__in=["village", "community"]), name="village_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = pinyin.search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """The name with its town, "孙埠村（东沙河街道）": village names repeat across towns, so
        every list to choose a village from shows this. Load the town with the village
        (``select_related("town")``), or this costs a query."""
        return gettext("%(name)s（%(detail)s）") % {"name": self.name, "detail": self.town.name}


class Position(models.Model):
    """A practice position (阵地): the centre, a sub-centre, or a village station.

    The centre serves the city; a sub-centre serves a town, or the city when it is one of the
    city venues (library, theatre…); a station serves exactly one village.
    """

    class Level(models.TextChoices):
        CENTRE = "centre", _("实践中心")
        SUBCENTRE = "subcentre", _("实践所（分中心）")
        STATION = "station", _("实践站")

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    name = models.CharField(_("名称"), max_length=100)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="positions", verbose_name=_("市")
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        related_name="positions",
        null=True,
        blank=True,
        verbose_name=_("镇（街道）"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="positions",
        null=True,
        blank=True,
        verbose_name=_("村（社区）"),
    )
    venue = models.CharField(
        _("依托场所"),
        max_length=100,
        blank=True,
        help_text=_("例如：综合文化服务中心、农家书屋、村史馆"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    head_name = models.CharField(_("负责人"), max_length=50, blank=True)
    head_phone = models.CharField(_("负责人电话"), max_length=20, blank=True)
    head_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("负责人账号"),
    )
    review_orders = models.BooleanField(
        _("点单需审核"), default=True, help_text=_("关闭后，群众点单提交即开放接单。")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("实践阵地")
        verbose_name_plural = _("实践阵地")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["centre", "subcentre", "station"]),
                name="position_level_valid",
            ),
            # The centre serves the whole city; a sub-centre a town (or the city, for venues);
            # a station exactly one village of one town.
            models.CheckConstraint(
                condition=(
                    Q(level="centre", town__isnull=True, village__isnull=True)
                    | Q(level="subcentre", village__isnull=True)
                    | Q(level="station", town__isnull=False, village__isnull=False)
                ),
                name="position_area_matches_level",
            ),
            models.UniqueConstraint(
                fields=["village"], condition=Q(level="station"), name="one_station_per_village"
            ),
            # Names are unique within the area served. One constraint per level of area, because
            # NULLs are distinct in a unique index: (city, NULL, NULL, name) would never clash.
            models.UniqueConstraint(
                fields=["city", "name"],
                condition=Q(town__isnull=True, village__isnull=True),
                name="position_name_unique_in_city",
            ),
            models.UniqueConstraint(
                fields=["town", "name"],
                condition=Q(town__isnull=False, village__isnull=True),
                name="position_name_unique_in_town",
            ),
            models.UniqueConstraint(
                fields=["village", "name"],
                condition=Q(village__isnull=False),
                name="position_name_unique_in_village",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def area_name(self) -> str:
        return str(self.village or self.town or self.city)

    def clean(self) -> None:
        """Explain the area rules in words before the database constraint refuses them."""
        super().clean()
        if self.level == self.Level.STATION:
            if not self.village_id:
                raise ValidationError({"village": _("实践站必须属于一个村（社区）。")})
            if self.town_id and self.town_id != self.village.town_id:
                raise ValidationError({"town": _("实践站所在镇（街道）必须与所选村（社区）一致。")})
            self.town_id = self.village.town_id
        elif self.village_id:
            raise ValidationError(
                {"village": _("只有实践站属于村（社区）；实践中心和实践所请留空。")}
            )
        if self.level == self.Level.CENTRE and self.town_id:
            raise ValidationError({"town": _("实践中心服务全市，请不要选择镇（街道）。")})
        if self.town_id and self.city_id and self.town.city_id != self.city_id:
            raise ValidationError({"town": _("所选镇（街道）不属于该市。")})


class Role(models.Model):
    """An area-scoped role given to a login. Volunteers are linked through their profile."""

    class Kind(models.TextChoices):
        CITY_ADMIN = "city_admin", _("市级管理员")
        TOWN_ADMIN = "town_admin", _("镇街管理员")
        STATION_HEAD = "station_head", _("站长")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wenming_roles",
        verbose_name=_("账号"),
    )
    kind = models.CharField(_("角色"), max_length=15, choices=Kind.choices)
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="roles", verbose_name=_("市")
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("镇（街道）"),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("实践站"),
    )

    class Meta:
        verbose_name = _("管理角色")
        verbose_name_plural = _("管理角色")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="city_admin", town__isnull=True, position__isnull=True)
                    | Q(kind="town_admin", town__isnull=False, position__isnull=True)
                    | Q(kind="station_head", position__isnull=False)
                ),
                name="role_area_matches_kind",
            ),
            # A login holds each role once. Per kind, because NULL town/position columns would
            # make a single five-column unique constraint never clash.
            models.UniqueConstraint(
                fields=["user", "city"], condition=Q(kind="city_admin"), name="role_city_admin_once"
            ),
            models.UniqueConstraint(
                fields=["user", "town"], condition=Q(kind="town_admin"), name="role_town_admin_once"
            ),
            models.UniqueConstraint(
                fields=["user", "position"],
                condition=Q(kind="station_head"),
                name="role_station_head_once",
            ),
        ]

    def __str__(self) -> str:
        area = self.position or self.town or self.city
        return f"{self.user} · {self.get_kind_display()} · {area}"

    def clean(self) -> None:
        """Explain which area each kind of role needs, before the database constraint refuses."""
        super().clean()
        if self.kind == self.Kind.CITY_ADMIN and (self.town_id or self.position_id):
            raise ValidationError(_("市级管理员管理全市，请不要选择镇（街道）或实践站。"))
        if self.kind == self.Kind.TOWN_ADMIN:
            if not self.town_id:
                raise ValidationError({"town": _("镇街管理员需要选择所管理的镇（街道）。")})
            if self.position_id:
                raise ValidationError({"position": _("镇街管理员不需要选择实践站。")})
        if self.kind == self.Kind.STATION_HEAD:
            if not self.position_id:
                raise ValidationError({"position": _("站长需要选择所负责的实践阵地。")})
            self.town_id = self.position.town_id

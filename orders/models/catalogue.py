"""The practice menu (文明实践菜单): the seven platforms, the service categories (also
volunteers' skills) and the menu items residents order, with where each is offered."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.names import in_language
from stations.models import Town, Village
from volunteers.models import Team, Volunteer


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

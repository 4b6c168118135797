"""Activities (活动): the event, its state changes, the volunteers who served, check-ins and
photos."""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StatusChange
from events.validators import validate_image_size
from orders.models import Order, Platform, ServiceCategory, TargetGroup
from stations.models import Position, Town, Village
from volunteers.models import Team, Volunteer

# The largest count a PositiveIntegerField holds on every database we run (PostgreSQL's integer).
# Forms and serializers cap headcounts with it, so a typo is a 400 rather than a DataError (500).
MAX_COUNT = 2_147_483_647
# Text limits (issue 14: 1 MB descriptions were stored). The forms and serializers enforce them;
# on the model they reach the admin's forms too.
DESCRIPTION_MAX = 5000  # an event's description and its results note
REASON_MAX = 500  # a cancellation reason, shown publicly


class Event(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PLANNED = "planned", _("已计划")
        PUBLISHED = "published", _("已发布")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("活动名称"), max_length=150)
    description = models.TextField(_("活动内容"), blank=True, max_length=DESCRIPTION_MAX)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="events", verbose_name=_("服务类别")
    )
    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("服务平台"),
    )
    organiser_position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("主办阵地"),
    )
    organiser_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("主办队伍"),
    )
    venue_position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("活动阵地"),
    )
    venue_address = models.CharField(_("活动地点"), max_length=200, blank=True)
    # The area the event serves, for scoping and coverage: a village event has both, a town event
    # only the town, a citywide event neither.
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("镇（街道）"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("村（社区）"),
    )
    start = models.DateTimeField(_("开始时间"), db_index=True)
    end = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("人数上限"), null=True, blank=True)
    audience = models.CharField(
        _("服务对象"),
        max_length=25,
        choices=TargetGroup.choices,
        blank=True,
        help_text=_("留空表示面向全体群众。"),
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    cancel_reason = models.TextField(_("取消原因"), blank=True, max_length=REASON_MAX)
    attendance = models.PositiveIntegerField(_("参与人数"), default=0)
    results_note = models.TextField(_("活动成效"), blank=True, max_length=DESCRIPTION_MAX)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True, editable=False)
    source_order = models.OneToOneField(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activity",
        verbose_name=_("来源点单"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["state", "start"]),
            models.Index(fields=["village", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "planned", "published", "done", "cancelled"]),
                name="event_state_valid",
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(village__isnull=True) | Q(town__isnull=False),
                name="event_village_has_town",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # Which states may become "done", and when: only once the event has started (a report would
    # otherwise count as held an event that has not happened). The service checks both in its
    # conditional UPDATE; the page uses ``may_complete`` to offer the form.
    COMPLETABLE_STATES = (State.PLANNED, State.PUBLISHED)

    @staticmethod
    def started_q(now) -> Q:
        return Q(start__lte=now)

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def may_complete(self) -> bool:
        return self.state in self.COMPLETABLE_STATES and self.has_started


class EventStateChange(StatusChange):
    """One row per state transition of an event: who, when, from, to, and why."""

    subject_field = "event"
    from_field = "from_state"
    to_field = "to_state"

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="state_changes", verbose_name=_("活动")
    )
    from_state = models.CharField(
        _("原状态"), max_length=10, choices=Event.State.choices, blank=True
    )
    to_state = models.CharField(_("新状态"), max_length=10, choices=Event.State.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("活动状态变更")
        verbose_name_plural = _("活动状态变更")


class EventVolunteer(models.Model):
    """A volunteer who served at an event, with the hours to credit.

    Hours count towards ``Volunteer.hours_total`` only once the volunteer checked in or the
    organiser confirmed them; ``hours_credited`` makes crediting happen exactly once.
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="volunteer_links", verbose_name=_("活动")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="event_links", verbose_name=_("志愿者")
    )
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1, default=0)
    confirmed = models.BooleanField(_("组织方已确认"), default=False)
    checked_in = models.BooleanField(_("已签到"), default=False)
    hours_credited = models.BooleanField(_("时长已计入"), default=False, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动志愿者")
        verbose_name_plural = _("活动志愿者")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "volunteer"], name="event_volunteer_unique"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="event_volunteer_hours_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.event_id}"


class CheckIn(models.Model):
    """A scan of the event's QR code. Repeats are ignored through the unique constraints."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("活动")
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkins",
        verbose_name=_("志愿者"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("账号"),
    )
    created_at = models.DateTimeField(_("签到时间"), auto_now_add=True)
    # PIPL: set when the name and phone were erased (retention or on request; privacy.services).
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("活动签到")
        verbose_name_plural = _("活动签到")
        ordering = ["created_at", "id"]
        constraints = [
            # A resident is identified by phone, a volunteer by login: one check-in each.
            models.UniqueConstraint(
                fields=["event", "phone"], condition=~Q(phone=""), name="checkin_once_per_phone"
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="checkin_once_per_user",
            ),
            # Until it is anonymised: then the row only counts attendance.
            models.CheckConstraint(
                condition=~Q(phone="") | Q(user__isnull=False) | Q(anonymised_at__isnull=False),
                name="checkin_has_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.event_id}"


class EventPhoto(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="photos", verbose_name=_("活动")
    )
    image = models.ImageField(
        _("照片"),
        upload_to="events/%Y/%m/",
        validators=[
            FileExtensionValidator(["jpg", "jpeg", "png", "webp"]),
            validate_image_size,
        ],
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name

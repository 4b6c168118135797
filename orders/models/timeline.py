"""An order's timeline: one row per change of its status, read in the reader's language."""

from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.models import StatusChange
from orders.models.order import Order
from orders.models.proxy import ProxyHelper
from volunteers.models import given_name


class OrderStatusChange(StatusChange):
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

    subject_field = "order"

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("点单")
    )
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=Order.Status.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=10, choices=Order.Status.choices)
    # Blank only on rows older than the field whose label matched nothing the code wrote.
    actor_kind = models.CharField(
        _("操作人类别"), max_length=20, choices=ActorKind.choices, blank=True
    )
    # A volunteer's given name. For the other kinds, the label in the source language as it
    # was written (kept for readers of the raw column); pages and the API show the kind.
    actor_label = models.CharField(_("操作人显示名"), max_length=50, blank=True)
    # ``note`` (StatusChange): free text typed by a person, or (with ``note_kind``) the system's
    # sentence in the source language as it was written, kept for readers of the raw column.
    note_kind = models.CharField(
        _("系统备注类别"), max_length=20, choices=NoteKind.choices, blank=True
    )
    # assigned: {"who": name, "volunteer_id" | "team_id": id}; rated: {"stars": n, "comment": text};
    # escalated: {"tier": "town" | "city", "team": name, "team_id": id};
    # follow_up_order / follow_up_of: {"number": the other order's number, "order_id": its id}
    # proxy: {"who": the helper's name, "kind": ProxyHelper.Kind}; partner: {"who": partner name}
    note_data = models.JSONField(_("系统备注数据"), default=dict, blank=True)

    class Meta(StatusChange.Meta):
        verbose_name = _("点单状态变更")
        verbose_name_plural = _("点单状态变更")

    def subject_label(self) -> str:
        return str(self.order)  # the number, as staff quote it

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


class OrderNoticeDue(models.Model):
    """A status change whose notices are still to be written: the transactional outbox of the
    notices (``orders.notices``).

    Written in the same transaction as the change, so a committed change always leaves one;
    the notices (to the resident, the station head, the volunteers who may claim) are worked
    out after the commit by ``orders.send_notices`` (queued on commit, and every minute from
    beat for whatever a broker outage or a failure left), which deletes the marker in the
    transaction that writes them. The request no longer looks up who must be told.

    ``order_state`` keeps what the notices say that a later step may change (the owner, the
    reason, the rating), as this change left it: a notice written a minute late still tells
    what happened at this step.
    """

    change = models.OneToOneField(
        OrderStatusChange,
        on_delete=models.CASCADE,
        related_name="notice_due",
        verbose_name=_("点单状态变更"),
    )
    order_state = models.JSONField(_("变更时的点单"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待发送的点单通知")
        verbose_name_plural = _("待发送的点单通知")

    def __str__(self) -> str:
        return f"change {self.change_id}"

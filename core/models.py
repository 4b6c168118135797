"""The one abstract model the apps share: the audit row of a status change.

Abstract, so ``core`` stays what it is (not a Django app: no tables, no migrations); each app's
concrete model owns its table and its migrations, which this base does not change.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    """One row per transition of a record: who, when, from, to, and why (a ``Flip`` in
    healthchecks' words), written by the service in the transition's own transaction.

    A concrete model adds the record it is about (a ``ForeignKey``) and the two status fields
    with that record's choices, and names them in ``subject_field``, ``from_field`` and
    ``to_field`` (``__str__`` reads them). ``note`` may be redefined (a wish's is bounded).
    """

    subject_field: ClassVar[str]
    from_field: ClassVar[str] = "from_status"
    to_field: ClassVar[str] = "to_status"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        before, after = getattr(self, self.from_field), getattr(self, self.to_field)
        return f"{self.subject_label()} {before}→{after}"

    def subject_label(self) -> str:
        """How ``__str__`` names the record: its id, which costs no query."""
        return str(getattr(self, f"{self.subject_field}_id"))
